export { Testbed, netnsPrefix, sh, waitFor, waitForOutput } from './testbed.js';
export type { NetnsNode, SpawnOptions, Spawned } from './testbed.js';
