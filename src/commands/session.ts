import { ERR_NO_SESSION, ERR_CLIENT_NAME, error, type Reply } from '../resp/index.js';
import type { CommandContext, Session } from './types.js';

/** Commands about the connection itself (AUTH, MULTI, SUBSCRIBE…) need its session; runners without one get this error. */
export const NO_SESSION: Reply = error(ERR_NO_SESSION);

export function sessionOf(ctx: CommandContext): Session | undefined {
  return ctx.server.clients.session(ctx.client);
}

/** Valid CLIENT SETNAME / HELLO SETNAME names: printable ASCII without spaces (Redis validateClientName). */
export function isValidClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

export { ERR_CLIENT_NAME };
