/**
 * Reporting a failed libc call: one message shape, `<call> failed: <ERRNO NAME>`, and the errno kept on
 * the Error like Node's own system errors, so callers can branch on it.
 */
import { constants } from 'node:os';

const errnoNames = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** `EADDRINUSE` for 98; `errno N` for a number Node does not name. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

/** An Error for a failed libc call, carrying errno like Node's own system errors. */
export function libcError(call: string, errno: number): Error & { errno: number } {
  return Object.assign(new Error(`${call} failed: ${errnoName(errno)}`), { errno });
}
