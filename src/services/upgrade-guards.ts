import { evaluateGuards, type GuardFinding, type MigrationPolicy } from '../domain/guards/index.js';
import type { Release } from '../domain/release/release.js';
import type { LedgerEntry } from '../domain/rollback/ledger.js';
import type { UpgradeEvent } from '../domain/upgrade/events.js';
import type { Clock } from '../ports/clock.js';
import type { ReleaseStore } from '../ports/release-store.js';

/**
 * The guards over the automatic rollback of a failed upgrade: decodes the target and the revisions it crosses,
 * (target, attempted], and evaluates them. Never fails the upgrade: a revision that cannot be read is a
 * notice, and the guards then look at what could be read.
 */
export async function guardAutomaticRollback(
  deps: { releases: ReleaseStore; clock: Clock; emit: (e: UpgradeEvent) => void },
  req: { release: string; namespace: string; migrationPolicy?: MigrationPolicy },
  input: { toRevision: number; attemptedRevision: number; revisions: readonly number[]; ledger: readonly LedgerEntry[] },
): Promise<GuardFinding[]> {
  const get = (n: number) =>
    deps.releases.getRevision(req.release, req.namespace, n).catch((err: Error) => {
      deps.emit({ type: 'notice', level: 'warn', message: `guards: cannot read revision ${n}: ${err.message}`, at: deps.clock.now() });
      return undefined;
    });
  const target = await get(input.toRevision);
  if (!target) return [];
  const crossedRevisions = input.revisions.filter((r) => r > input.toRevision && r <= input.attemptedRevision);
  const crossed = (await Promise.all(crossedRevisions.map(get))).filter((r): r is Release => r !== undefined);
  const findings = evaluateGuards({ target, crossed, ledger: input.ledger, migrationPolicy: req.migrationPolicy ?? 'warn' });
  deps.emit({ type: 'guard-findings', toRevision: input.toRevision, findings, at: deps.clock.now() });
  return findings;
}
