/**
 * Small pure helpers more than one room needs. This room imports nothing of ours, so any room may
 * use it (../shared/DESIGN.md).
 */
export { globMatch } from './glob.js';
