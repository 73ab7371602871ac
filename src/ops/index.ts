/**
 * Deployment workflows built on the VPN and the server (../shared/DESIGN.md: init, status, promote,
 * firewall, systemd, demo). So far: the network-namespace testbed (netns/) that the netns tests, the
 * VPN benchmark and the coming `redmesh demo` run their nodes in.
 */
export { Testbed, netnsPrefix, sh, waitFor, waitForOutput } from './netns/index.js';
export type { NetnsNode, SpawnOptions, Spawned } from './netns/index.js';
