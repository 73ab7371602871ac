export { startServer } from './server.js';
export type { ServerOptions, RunningServer } from './server.js';
export { ServerState, defaultConfig, emptyStats, commandTable } from './state.js';
export type { Propagator, RegisteredClient } from './state.js';
export { launchServer, loadServerConfig } from './launch.js';
export { superviseFrom, type Supervisor, type SupervisedSetting } from './supervision.js';
export { daemonize } from './daemonize.js';
export type { LaunchedServer } from './launch.js';
export { admissionError, isLoopback } from './server.js';
