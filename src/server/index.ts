export { startServer } from './server.js';
export type { ServerOptions, RunningServer } from './server.js';
export type { SettingsOverrides } from './config-binding.js';
export { ServerState, defaultConfig, emptyStats, commandTable } from './state.js';
export type { Propagator, RegisteredClient } from './state.js';
export { launchServer, loadServerConfig } from './launch.js';
export type { LaunchedServer } from './launch.js';
export { admissionError, isLoopback } from './server.js';
