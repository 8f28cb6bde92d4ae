/** The watchdog: a pure state machine over a release's bake, and its report. */
export * from './machine.js';
export * from './report.js';
export * from './types.js';
export * from './events.js';
export * from './lease.js';
