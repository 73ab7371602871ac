import { AF_UNIX, SUN_PATH_MAX } from './constants.js';

/** The longest filesystem path a struct sockaddr_un holds (sun_path less its terminating NUL). */
export const UNIX_PATH_MAX = SUN_PATH_MAX - 1;

/** struct sockaddr_un bytes for a filesystem path, with its NUL; undefined when sun_path cannot hold it. */
export function unixPathAddress(path: string): Buffer | undefined {
  const bytes = Buffer.from(path);
  if (bytes.length > UNIX_PATH_MAX) return undefined;
  const address = Buffer.alloc(2 + bytes.length + 1);
  address.writeUInt16LE(AF_UNIX, 0);
  bytes.copy(address, 2);
  return address;
}

/**
 * struct sockaddr_un bytes for an abstract socket written `@name` (systemd's NOTIFY_SOCKET spelling):
 * sun_path starts with a NUL and the length is exact, with no terminator. Undefined when too long.
 */
export function abstractUnixAddress(atName: string): Buffer | undefined {
  const bytes = Buffer.from(atName);
  if (bytes.length > SUN_PATH_MAX) return undefined;
  const address = Buffer.alloc(2 + bytes.length);
  address.writeUInt16LE(AF_UNIX, 0);
  bytes.copy(address, 2);
  address[2] = 0;
  return address;
}
