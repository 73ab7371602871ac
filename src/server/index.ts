export { startServer } from './server.js';
export type { ServerOptions, RunningServer } from './server.js';
export { ServerState, defaultConfig, emptyStats, commandTable } from './state.js';
export type { Propagator, RegisteredClient } from './state.js';
