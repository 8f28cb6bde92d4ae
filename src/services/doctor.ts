import { runDoctor, type DoctorReport } from '../domain/doctor/index.js';
import type { Release } from '../domain/release/release.js';
import { learnedStartupMs, type LedgerEntry } from '../domain/rollback/ledger.js';
import type { Clock } from '../ports/clock.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { ReleaseInventory } from '../ports/release-inventory.js';
import type { ReleaseStore } from '../ports/release-store.js';

/** What `doctor` reads through. */
export interface DoctorDeps {
  releases: ReleaseStore;
  ledger: LedgerStore;
  inventory: ReleaseInventory;
  clock: Clock;
}

/** Which releases to check, and the history limit to judge against. */
export interface DoctorRequest {
  /** One release; undefined = every release in `namespace` (or everywhere with `allNamespaces`). */
  release?: string;
  namespace: string;
  allNamespaces: boolean;
  /** `--history-max` / HELM_MAX_HISTORY (0 = unlimited). */
  historyMax: number;
  /** How many of the newest revisions to decode for the trap checks (default 10). */
  decodeDepth?: number;
}

/**
 * Longest start-up seen per workload (`Kind/name` -> ms), from the start-up times healthy upgrades record in the
 * ledger (the same learned times the unready grace uses); empty when the ledger has none.
 */
export function observedStartupMs(ledger: readonly LedgerEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, ms] of Object.entries(learnedStartupMs(ledger))) {
    // The ledger keys workloads `Kind/namespace/name`; the checklist names them `Kind/name`.
    const [kind, , name] = key.split('/');
    if (!kind || !name) continue;
    const ref = `${kind}/${name}`;
    out[ref] = Math.max(out[ref] ?? 0, ms);
  }
  return out;
}

/** Checks each release asked for; reads only (no write, no helm). */
export async function doctor(deps: DoctorDeps, req: DoctorRequest): Promise<DoctorReport[]> {
  const targets = req.release
    ? [{ release: req.release, namespace: req.namespace }]
    : await deps.inventory.listReleases(req.allNamespaces ? undefined : req.namespace);
  const reports: DoctorReport[] = [];
  for (const t of targets) reports.push(await checkOne(deps, t.release, t.namespace, req));
  return reports;
}

async function checkOne(deps: DoctorDeps, release: string, namespace: string, req: DoctorRequest): Promise<DoctorReport> {
  const [history, recordBytes, ledger] = await Promise.all([
    deps.releases.listHistory(release, namespace),
    deps.inventory.recordBytes(release, namespace),
    deps.ledger.read(release, namespace),
  ]);
  const newest = [...history].sort((a, b) => b.revision - a.revision).slice(0, req.decodeDepth ?? 10);
  const decoded: Release[] = [];
  for (const h of newest) decoded.push(await deps.releases.getRevision(release, namespace, h.revision));
  return runDoctor({
    release,
    namespace,
    now: deps.clock.now(),
    history,
    recordBytes,
    historyMax: req.historyMax,
    decoded,
    ledger: ledger.entries,
    observedStartupMs: observedStartupMs(ledger.entries),
  });
}
