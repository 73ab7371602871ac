export { PromoteError, promote } from './promote.js';
export type { PromoteOptions, PromoteResult } from './promote.js';
