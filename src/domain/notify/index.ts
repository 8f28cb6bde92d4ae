export * from './targets.js';
export * from './payloads.js';
export * from './from-upgrade.js';
export * from './from-watchdog.js';
