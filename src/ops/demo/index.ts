export { DemoError, demoPrerequisites, runDemo } from './demo.js';
export type { DemoOptions, DemoServer } from './demo.js';
