export { pcapHeader, pcapRecord, startCapture } from './capture.js';
export type { Capture } from './capture.js';
