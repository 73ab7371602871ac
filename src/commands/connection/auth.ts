import { ERR_SYNTAX, ERR_WRONGPASS, OK, error, type Reply } from '../../resp/index.js';
import { NO_SESSION, sessionOf } from '../session.js';
import type { CommandSpec } from '../types.js';

const ERR_NO_PASSWORD =
  'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?';

/**
 * AUTH [username] password — authenticates the connection. Only the `default` user exists; its
 * password is `requirepass` (none = `nopass`, any password is accepted with a username).
 */
export const auth: CommandSpec = {
  name: 'auth',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  firstKey: 0,
  lastKey: 0,
  step: 0,
  categories: ['fast', 'connection'],
  run(ctx, argv): Reply {
    if (argv.length > 3) return error(ERR_SYNTAX);
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    if (argv.length === 2 && ctx.server.config.requirepass === '') return error(ERR_NO_PASSWORD);
    const username = argv.length === 3 ? (argv[1] as string) : 'default';
    const password = argv[argv.length - 1] as string;
    return session.authenticate(username, password) ? OK : error(ERR_WRONGPASS);
  },
};
