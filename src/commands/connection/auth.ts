import { ERR_SYNTAX, ERR_WRONGPASS, ERR_AUTH_NOT_CONFIGURED } from '../../resp/errors.js';
import { OK, error, type Reply } from '../../resp/reply.js';
import { NO_SESSION, sessionOf } from '../session.js';
import type { CommandSpec } from '../types.js';
import { tableRow } from '../define.js';

/**
 * AUTH [username] password — authenticates the connection. Only the `default` user exists; its
 * password is `requirepass` (none = `nopass`, any password is accepted with a username).
 */
export const auth: CommandSpec = {
  ...tableRow('auth'),
  run(ctx, argv): Reply {
    if (argv.length > 3) return error(ERR_SYNTAX);
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    if (argv.length === 2 && ctx.server.config.requirepass === '') return error(ERR_AUTH_NOT_CONFIGURED);
    const username = argv.length === 3 ? (argv[1] as string) : 'default';
    const password = argv[argv.length - 1] as string;
    return session.authenticate(username, password) ? OK : error(ERR_WRONGPASS);
  },
};
