export * from './condition.js';
export * from './check.js';
export * from './judge.js';
export * from './status.js';
