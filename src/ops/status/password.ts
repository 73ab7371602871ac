import { readFile } from 'node:fs/promises';
import { splitArgs } from '../../resp/index.js';

/** The default server config of a node set up by `redmesh init`. */
export const DEFAULT_SERVER_CONFIG = '/etc/redmesh/redis.conf';

/**
 * The `requirepass` of a redis.conf (the last one wins, as in Redis), or undefined when the file has
 * none. Read as text on purpose: loading the whole config would apply `dir` (a chdir).
 */
export async function passwordFromConfig(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8');
  let password: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const words = splitArgs(line.trim());
    if (words?.[0]?.toLowerCase() === 'requirepass') password = words[1];
  }
  return password;
}
