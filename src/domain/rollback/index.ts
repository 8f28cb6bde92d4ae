/** Rollback decisions: the ledger, the last known good revision, pending-state checks, the recovery plan. */
export * from './ledger.js';
export * from './target.js';
export * from './pending.js';
export * from './plan.js';
