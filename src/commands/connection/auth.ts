import { ERR_SYNTAX, ERR_WRONGPASS, ERR_AUTH_NOT_CONFIGURED, OK, error } from '../../resp/index.js';
import { defineCommand } from '../define.js';
import { NO_SESSION, sessionOf } from '../session.js';
import { fail } from '../typed.js';

/**
 * AUTH [username] password — authenticates the connection as an ACL user (`default` when no username
 * is given; requirepass is its password).
 */
export const auth = defineCommand({
  name: 'auth',
  parse(args) {
    if (args.remaining > 2) return fail(ERR_SYNTAX);
    const username = args.remaining === 2 ? args.string() : undefined;
    return { username, password: args.string() };
  },
  apply(ctx, { username, password }) {
    const session = sessionOf(ctx);
    if (session === undefined) return NO_SESSION;
    if (username === undefined && ctx.server.acl.defaultUserNopass()) return error(ERR_AUTH_NOT_CONFIGURED);
    return session.authenticate(username ?? 'default', password) ? OK : error(ERR_WRONGPASS);
  },
});
