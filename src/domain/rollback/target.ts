import type { ReleaseStatus } from '../release/release.js';
import { unhealthyRevisions, type LedgerEntry } from './ledger.js';

/** What the rollback choice needs to know of each revision (a RevisionSummary fits). */
export interface RevisionInfo {
  revision: number;
  status: ReleaseStatus;
}

/** Statuses of a revision that once ran fine as far as helm knows. */
const GOOD_STATUSES: ReadonlySet<ReleaseStatus> = new Set<ReleaseStatus>(['deployed', 'superseded']);

/** Input of {@link chooseRollbackTarget}. */
export interface RollbackTargetInput {
  /** The release history, any order. */
  history: readonly RevisionInfo[];
  /** The revision that failed (or, when checked before the upgrade, the one it will create). */
  attemptedRevision: number;
  ledger: readonly LedgerEntry[];
  /** `--to-revision`, when given. */
  override?: number;
}

/** The chosen revision (with a caveat when an override goes against the ledger), or why there is none. */
export type RollbackTarget = { revision: number; warning?: string } | { none: string };

/**
 * The last known good revision: the newest revision before the attempted one whose status is deployed or
 * superseded and which the ledger does not record as failed. With an override, validates it instead and
 * explains in one line why it cannot be used.
 */
export function chooseRollbackTarget(input: RollbackTargetInput): RollbackTarget {
  const { history, attemptedRevision, ledger, override } = input;
  const unhealthy = unhealthyRevisions(ledger);
  if (override !== undefined) return validateOverride(history, attemptedRevision, unhealthy, override);

  const earlier = [...history].filter((h) => h.revision < attemptedRevision).sort((a, b) => b.revision - a.revision);
  const good = earlier.filter((h) => GOOD_STATUSES.has(h.status));
  const target = good.find((h) => !unhealthy.has(h.revision));
  if (target) return { revision: target.revision };
  if (earlier.length === 0) return { none: `revision ${attemptedRevision} has no earlier revision to roll back to` };
  if (good.length === 0) {
    return { none: `no revision before ${attemptedRevision} has status deployed or superseded (${describe(earlier)})` };
  }
  return {
    none: `every revision before ${attemptedRevision} with status deployed or superseded (${good.map((h) => h.revision).join(', ')}) is recorded unhealthy by autorollback`,
  };
}

function validateOverride(
  history: readonly RevisionInfo[],
  attempted: number,
  unhealthy: Set<number>,
  override: number,
): RollbackTarget {
  if (!Number.isInteger(override) || override < 1) {
    return { none: `--to-revision must be a positive whole number, got ${override}` };
  }
  if (override === attempted) {
    return { none: `--to-revision ${override} is the revision being rolled back; pick an earlier one` };
  }
  if (override > attempted) {
    return { none: `--to-revision ${override} is newer than the attempted revision ${attempted}; pick an earlier one` };
  }
  const found = history.find((h) => h.revision === override);
  if (!found) {
    const available = [...history].filter((h) => h.revision < attempted).sort((a, b) => a.revision - b.revision);
    return {
      none: `--to-revision ${override} is not in the release history${available.length ? ` (available: ${describe(available)})` : ''}; it may have been pruned by --history-max`,
    };
  }
  if (!GOOD_STATUSES.has(found.status)) {
    return { none: `--to-revision ${override} has status ${found.status}; only a deployed or superseded revision can be a rollback target` };
  }
  if (unhealthy.has(override)) {
    return { revision: override, warning: `revision ${override} is recorded unhealthy by autorollback; rolling back to it as asked` };
  }
  return { revision: override };
}

function describe(revisions: readonly RevisionInfo[]): string {
  return revisions.map((h) => `${h.revision} ${h.status}`).join(', ');
}

/** Input of {@link manualRollbackTarget}. */
export interface ManualTargetInput {
  history: readonly RevisionInfo[];
  ledger: readonly LedgerEntry[];
  /**
   * The revision a deployed rollback revision went back to (helm's description "Rollback to N"): its content
   * is what runs now, so it is no target either.
   */
  deployedRollbackOf?: number;
}

/**
 * The default target of a rollback by hand: the last known good revision before the one running now (the
 * deployed revision, else the newest), chosen exactly as `upgrade` chooses it, skipping the revision a deployed
 * rollback went back to (same content as what runs).
 */
export function manualRollbackTarget(input: ManualTargetInput): RollbackTarget {
  const sorted = [...input.history].sort((a, b) => b.revision - a.revision);
  const from = sorted.find((h) => h.status === 'deployed') ?? sorted[0];
  if (!from) return { none: 'the release has no revisions' };
  const history = input.history.filter((h) => h.revision !== input.deployedRollbackOf);
  return chooseRollbackTarget({ history, attemptedRevision: from.revision, ledger: input.ledger });
}
