import type { Release } from '../release/release.js';
import type { LedgerEntry } from '../rollback/ledger.js';
import { configDriftFindings } from './config-drift.js';
import { gitOpsFindings } from './gitops.js';
import { migrationFindings } from './migration.js';
import type { GuardFinding, MigrationPolicy } from './types.js';

export { configDriftFindings, configReferences, type ConfigRef } from './config-drift.js';
export { gitOpsFindings, gitOpsOwner, type GitOpsOwner } from './gitops.js';
export { rollbackHooks, ROLLBACK_HOOK_EVENTS } from './hooks.js';
export { MIGRATION_ANNOTATION, migrationFindings, migrationSign } from './migration.js';
export { refuseRollbackTarget } from './refusals.js';
export { worstSeverity, type GuardFinding, type GuardName, type GuardSeverity, type MigrationPolicy } from './types.js';

/** What the guards look at for a rollback to `target`. */
export interface GuardInput {
  /** The rollback target, decoded. */
  target: Release;
  /** The decoded revisions the rollback crosses, (target, current]: the newest is what the cluster holds now. */
  crossed: readonly Release[];
  /** More decoded revisions of the release (older than the target), to know what the release ever managed. */
  older?: readonly Release[];
  /** The autorollback ledger: a target recorded unhealthy is a warning. */
  ledger?: readonly LedgerEntry[];
  /** Live objects of the release, when the caller has them (GitOps controllers label what they apply). */
  live?: readonly Record<string, unknown>[];
  /** `--migration-policy` (default warn). */
  migrationPolicy?: MigrationPolicy;
}

/**
 * Every guard over one rollback, in a stable order: migration trap, config drift, GitOps ownership, and the
 * ledger's verdict on the target. Pure; the message of each finding is one line and never shows a value.
 */
export function evaluateGuards(input: GuardInput): GuardFinding[] {
  const { target, crossed } = input;
  const current = [...crossed].sort((a, b) => b.revision - a.revision)[0];
  const findings: GuardFinding[] = [
    ...migrationFindings({ target, crossed, policy: input.migrationPolicy ?? 'warn' }),
    ...configDriftFindings({ target, others: [...crossed, ...(input.older ?? [])] }),
    ...gitOpsFindings({ manifests: [target.manifest, ...(current ? [current.manifest] : [])], ...(input.live ? { live: input.live } : {}) }),
  ];
  const verdict = input.ledger?.find((e) => e.revision === target.revision && e.verdict === 'failed');
  if (verdict) {
    findings.push({
      guard: 'ledger',
      severity: 'warn',
      message: `revision ${target.revision} is recorded unhealthy by autorollback${verdict.reason ? ` (${verdict.reason})` : ''}: it may fail the same way`,
    });
  }
  return findings;
}
