/**
 * The platform room: the Linux calls Node does not expose (libc through koffi, loaded once) and their
 * ABI numbers, shared by the VPN and the server's listeners. Knows nothing about either.
 */
export * from './constants.js';
export { errnoName, libcError } from './errno.js';
export { libc, setIntOption } from './libc.js';
export { libm } from './libm.js';
export type { LibmBindings } from './libm.js';
export { UNIX_PATH_MAX, abstractUnixAddress, unixPathAddress } from './unix-address.js';
export {
  HeapPressure,
  boundHeapHeadroom,
  collectGarbage,
  compactGarbage,
  ensureServerHeap,
  initialOldSpaceMb,
  semiSpaceMb,
  heapGrowingPercent,
  relaxHeapGrowth,
  tuneGarbageCollector,
  heapDecision,
  serverHeapLimitMb,
  usableMemoryBytes,
} from './heap.js';
export type { AddrInfoHints, LibcBindings, ReadableWatch } from './libc.js';
export * from './lua.js';
