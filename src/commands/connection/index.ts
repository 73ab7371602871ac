import type { CommandSpec } from '../types.js';
import { auth } from './auth.js';
import { client } from './client.js';
import { hello } from './hello.js';
import { echo, ping } from './ping.js';
import { quit, reset } from './quit.js';
import { select } from './select.js';

export { REDIS_VERSION } from './hello.js';

/** The connection family. See the command files beside this one. */
export const connectionCommands: readonly CommandSpec[] = [
  ping,
  echo,
  auth,
  hello,
  select,
  quit,
  reset,
  client,
];
