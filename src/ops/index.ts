/**
 * Deployment workflows built on the VPN and the server (../shared/DESIGN.md): `init` (a deployment's
 * files), `firewall` (the VPN port open, Redis only through the VPN), and the network-namespace testbed
 * (netns/) that the netns tests, the VPN benchmark and the coming `redmesh demo` run their nodes in.
 */
export { Testbed, netnsPrefix, sh, waitFor, waitForOutput } from './netns/index.js';
export type { NetnsNode, SpawnOptions, Spawned } from './netns/index.js';
export * from './init/index.js';
export * from './firewall/index.js';
export * from './redis/index.js';
export * from './status/index.js';
export * from './promote/index.js';
export * from './demo/index.js';
export * from './capture/index.js';
