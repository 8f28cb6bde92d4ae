import type { GuardFinding, MigrationPolicy } from '../domain/guards/index.js';
import { evaluateRollout } from '../domain/health/evaluate.js';
import type { HealthOptions, WorkloadProgress } from '../domain/health/types.js';
import { workloadsFromManifest } from '../domain/manifest/workloads.js';
import { validateReleaseName } from '../domain/release-name.js';
import { checkPendingState } from '../domain/rollback/pending.js';
import { manualRollbackTarget } from '../domain/rollback/target.js';
import { UsageError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterWatch } from '../ports/cluster-watch.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { WatchdogLeases } from '../ports/watchdog-lease.js';
import { leaseExpired } from '../domain/watchdog/lease.js';
import type { ReleaseStore } from '../ports/release-store.js';
import { planRollback } from './rollback.js';
import { watchOtherKinds } from './upgrade-supervise.js';

/** The ports `status` reads through; it changes nothing. */
export interface StatusDeps {
  releases: ReleaseStore;
  ledger: LedgerStore;
  /** A watch over the release's namespace, not started yet (status starts it for one snapshot, then stops it). */
  watch: ClusterWatch;
  clock: Clock;
  /** The watchdog Leases, to show an armed watchdog; none: not shown. */
  leases?: WatchdogLeases;
}

/** Which release, and how to judge it. */
export interface StatusRequest {
  release: string;
  namespace: string;
  health: HealthOptions;
  /** For the guards of a rollback now (default warn). */
  migrationPolicy?: MigrationPolicy;
  helmGlobalArgs?: readonly string[];
  /** How many ledger verdicts to list, newest first (default 5). */
  recent?: number;
}

/** `healthy`, `progressing` (still rolling out, within --timeout of its deploy) or `degraded`. */
export type HealthState = 'healthy' | 'progressing' | 'degraded';

/** The `--json` report of `status`. Times are RFC 3339 strings. */
export interface StatusReport {
  release: string;
  namespace: string;
  /** The deployed revision; null when none is (then the newest revision is judged). */
  deployedRevision: number | null;
  latestRevision: number;
  /** helm's status of the newest revision. */
  latestStatus: string;
  chart: string;
  appVersion: string;
  lastDeployed: string | null;
  health: {
    state: HealthState;
    /** For degraded: the failure, as upgrade reports it. */
    reason?: string;
    object?: string;
    container?: string;
    message?: string;
    workloads: WorkloadProgress[];
  };
  /** The last known good revision before the running one (what `rollback` would pick); null when none. */
  lastKnownGood: number | null;
  /** Newest first. */
  verdicts: Array<{ revision: number; verdict: string; reason?: string; decidedAt: string }>;
  /** A rollback right now: its target and the guards' findings, or why there is none. */
  rollback: { toRevision: number | null; findings: GuardFinding[]; refusal?: string };
  /** Set when the newest revision is stuck in pending-*: what to do. */
  pending: string | null;
  /**
   * The watchdog armed on the release (its Lease), or null: who holds it, the revision it bakes and its target,
   * when the bake ends, and whether the holder is still renewing (`live`; false: it stopped, the lease expired).
   */
  watchdog: { holder: string; revision: number; target: number | null; deadline: string; renewedAt: string; live: boolean; disarmRequested: boolean } | null;
  /** Set when the watchdog's Lease could not be read (e.g. RBAC refused it): why; `watchdog` is then null but unknown. */
  watchdogUnreadable?: string;
  /** True when the health is healthy and nothing is pending: exit 0. */
  healthy: boolean;
}

/**
 * `helm autorollback status`: the deployed revision, its health right now (the upgrade's verdict engine over
 * one snapshot of the cluster), the last known good revision, recent ledger verdicts and the guards of a
 * rollback right now. Reads only.
 */
export async function status(deps: StatusDeps, req: StatusRequest): Promise<StatusReport> {
  validateReleaseName(req.release);
  const history = await deps.releases.listHistory(req.release, req.namespace);
  const { entries: ledger } = await deps.ledger.read(req.release, req.namespace);
  const sorted = [...history].sort((a, b) => b.revision - a.revision);
  const latest = sorted[0] as (typeof sorted)[number];
  const deployed = sorted.find((h) => h.status === 'deployed');
  const running = await deps.releases.getRevision(req.release, req.namespace, (deployed ?? latest).revision);

  // What runs now is judged, even when it drifted from the release (kubectl edit, set image): the template
  // checks that tell an upgrade's new spec from the old one do not apply here.
  const workloads = workloadsFromManifest(running.manifest, req.namespace).map(({ images: _i, templateAnnotations: _a, ...w }) => w);
  await deps.watch.start();
  let snapshot;
  try {
    const others = [...new Set(workloads.map((w) => w.namespace))].filter((n) => n !== req.namespace);
    if (others.length > 0) await deps.watch.watchNamespaces?.(others);
    await watchOtherKinds(deps.watch, workloads, () => undefined);
    snapshot = deps.watch.snapshot();
  } finally {
    deps.watch.stop();
  }
  const now = deps.clock.now();
  // Judged as if watched from now: the pods' own signals (crash loops, unready past the grace...) decide, not a
  // --timeout counted from a deploy that may be days old.
  const verdict = evaluateRollout({ workloads, snapshot, options: req.health, now, startedAt: now });
  const state: HealthState = verdict.state === 'healthy' ? 'healthy' : verdict.state === 'failed' ? 'degraded' : 'progressing';

  const rollbackOf = /^Rollback to (\d+)/.exec(running.description)?.[1];
  const lkg = manualRollbackTarget({ history, ledger, ...(rollbackOf ? { deployedRollbackOf: Number(rollbackOf) } : {}) });
  let rollback: StatusReport['rollback'];
  try {
    const { plan } = await planRollback(deps, { release: req.release, namespace: req.namespace, migrationPolicy: req.migrationPolicy ?? 'warn', helmGlobalArgs: req.helmGlobalArgs ?? [] });
    rollback = { toRevision: plan.toRevision, findings: plan.findings };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    rollback = { toRevision: null, findings: [], refusal: err.message };
  }
  const pending = checkPendingState(history, { release: req.release, namespace: req.namespace, ledger, extraArgs: req.helmGlobalArgs ?? [] });
  return {
    release: req.release,
    namespace: req.namespace,
    deployedRevision: deployed?.revision ?? null,
    latestRevision: latest.revision,
    latestStatus: latest.status,
    chart: running.chart.name ? `${running.chart.name}-${running.chart.version}` : '',
    appVersion: running.chart.appVersion,
    lastDeployed: running.lastDeployed?.toISOString() ?? null,
    health: {
      state,
      ...(verdict.state === 'failed'
        ? { reason: verdict.reason, object: verdict.object, ...(verdict.container ? { container: verdict.container } : {}), message: verdict.message }
        : {}),
      workloads: verdict.progress.workloads,
    },
    lastKnownGood: 'revision' in lkg ? lkg.revision : null,
    verdicts: [...ledger]
      .sort((a, b) => b.revision - a.revision)
      .slice(0, req.recent ?? 5)
      .map((e) => ({ revision: e.revision, verdict: e.verdict, ...(e.reason ? { reason: e.reason } : {}), decidedAt: e.decidedAt.toISOString() })),
    rollback,
    pending: pending.ok ? null : pending.message,
    ...(await armedWatchdog(deps, req)),
    healthy: state === 'healthy' && pending.ok,
  };
}

/**
 * The release's watchdog Lease as `status` shows it; a lease that cannot be read is no reason to fail status, but
 * it is said (not shown as "none armed").
 */
async function armedWatchdog(deps: StatusDeps, req: StatusRequest): Promise<Pick<StatusReport, 'watchdog' | 'watchdogUnreadable'>> {
  let lease;
  try {
    lease = await deps.leases?.read(req.release, req.namespace);
  } catch (err) {
    return { watchdog: null, watchdogUnreadable: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }
  if (!lease) return { watchdog: null };
  return {
    watchdog: {
      holder: lease.holder,
      revision: lease.revision,
      target: lease.target ?? null,
      deadline: lease.deadline.toISOString(),
      renewedAt: lease.renewedAt.toISOString(),
      live: !leaseExpired(lease, deps.clock.now()),
      disarmRequested: lease.disarm !== undefined,
    },
  };
}
