import type { Failure, HealthOptions } from '../domain/health/types.js';
import type { LedgerEntry } from '../domain/rollback/ledger.js';
import { describeFailure } from '../domain/upgrade/events.js';
import { goDuration, helmTimeoutMs } from '../helm/upgrade-args.js';
import { findStuckStatefulSets } from '../domain/rollback/statefulset-force.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { PodDeleter } from '../ports/pod-deleter.js';
import { startForcedRollback } from './statefulset-force.js';
import { HELM_WATCHER_STUCK_MS, isTransientHelmFailure, superviseHelm, superviseHelmRetrying, usesStatusWatcher, type SuperviseDeps } from './upgrade-supervise.js';

/**
 * The one rollback of the plugin: `helm rollback RELEASE N --wait`, its rollout judged live with the same
 * verdict engine as an upgrade, the verdict recorded in the ledger. `upgrade` (automatic rollback),
 * `rollback`, the history picker and the watchdog all go through {@link rollbackAndJudge}.
 */

/** The ports a rollback needs. The watch must already be started (the caller owns its lifetime). */
export interface RollbackAndJudgeDeps extends SuperviseDeps {
  /** Where the verdict of the revision helm creates is recorded; none: not recorded. */
  ledger?: LedgerStore;
  /** Deletes pods for the forced StatefulSet rollback; none: no forced rollback. */
  pods?: PodDeleter;
}

/** What to roll back to, and how. */
export interface RollbackAndJudgeRequest {
  release: string;
  namespace: string;
  /** The revision to go back to (already validated by the caller). */
  toRevision: number;
  /** The newest revision stored now: the one the cluster holds the spec of, whatever its status. */
  afterRevision: number;
  /** Flags every helm call needs to reach the cluster (`--kube-context X`, `--kubeconfig F`). */
  helmGlobalArgs: readonly string[];
  /** Extra environment for helm (HELM_DRIVER). */
  helmEnv?: Readonly<Record<string, string>>;
  health: HealthOptions;
  /**
   * helm rollback flags passed through unchanged (`--cleanup-on-fail`, `--no-hooks`, `--force`,
   * `--history-max N`, `--recreate-pods`, ...). `--wait` is always added; `--timeout` comes from `health`.
   */
  helmArgs?: readonly string[];
  /** How long helm gets to stop after SIGTERM (default 30 s). */
  terminateGraceMs?: number;
  /**
   * The forced StatefulSet rollback (`--no-force-statefulset-rollback` turns it off; default on): when an
   * OrderedReady StatefulSet of the release is stuck on not-ready pods of the failed revision, run helm rollback
   * without --wait, delete those pods once the template is reverted, and judge the rollout ourselves.
   */
  forceStatefulSetRollback?: boolean;
}

/** How a rollback (or uninstall) went. */
export interface RecoveryResult {
  ok: boolean;
  startedAt: Date;
  /** When its rollout was judged healthy (or the uninstall finished). */
  completedAt?: Date;
  /** The revision helm created for a rollback. */
  newRevision?: number;
  /** Why it failed. */
  message?: string;
  /** The evidence, when the rollout of the rollback was judged failed. */
  failure?: Failure & { detectedAt: Date };
}

/**
 * Runs `helm rollback RELEASE TO --wait --timeout T [helmArgs]` while judging the rollout with the same rules
 * as an upgrade. A failed verdict stops helm and counts as a failed rollback. Emits `rollback-started`, the
 * rollout's `revision-detected`/`progress`/`verdict` events (phase `rollback`) and `rollback-finished`; records
 * the new revision's verdict in the ledger when one is given (a ledger that cannot be written is a notice).
 */
export async function rollbackAndJudge(deps: RollbackAndJudgeDeps, req: RollbackAndJudgeRequest): Promise<RecoveryResult> {
  const { clock, emit } = deps;
  const helmMajor = await deps.helm.majorVersion();
  if (req.health.waitForLoadBalancers === undefined) {
    // As the upgrade: the verdict covers what this helm's --wait covers (helm 3 waits for LoadBalancer addresses).
    req = { ...req, health: { ...req.health, waitForLoadBalancers: helmMajor === 3 } };
  }
  emit({ type: 'rollback-started', toRevision: req.toRevision, at: clock.now() });
  // An OrderedReady StatefulSet stuck on a pod that never turned ready does not converge by itself: helm 3's
  // --wait would wait out its timeout, helm 4's fails at once on the crash-looping pod. Force it instead.
  const stuck = findStuckStatefulSets(deps.watch.snapshot(), req.release, req.namespace);
  const force = stuck.length > 0 && req.forceStatefulSetRollback !== false && deps.pods !== undefined;
  for (const s of stuck) {
    const what = `StatefulSet/${s.name} (OrderedReady) has not-ready pods of the failed revision ${s.badRevision} (${s.notReady.join(', ')}), which its controller will not replace after the rollback`;
    const message = force
      ? `${what}: rolling back without helm's --wait, deleting them once the template is reverted (one ordinal at a time) and judging the rollout here; --no-force-statefulset-rollback turns this off`
      : `${what}; the forced StatefulSet rollback is off, so this rollback may not converge (delete those pods by hand once the template is reverted)`;
    emit({ type: 'notice', level: force ? 'info' : 'warn', message, at: clock.now() });
  }
  const forcer = force && deps.pods ? startForcedRollback({ watch: deps.watch, pods: deps.pods, clock, emit }, stuck) : undefined;
  const helmRollback = (after: number) =>
    superviseHelmRetrying(deps, {
      release: req.release,
      namespace: req.namespace,
      args: [
        'rollback', req.release, String(req.toRevision),
        '--namespace', req.namespace, ...req.helmGlobalArgs,
        ...(req.helmArgs ?? []),
        ...(force ? [] : ['--wait']), '--timeout', goDuration(helmTimeoutMs(req.health.timeoutMs)),
      ],
      env: req.helmEnv,
      phase: 'rollback',
      action: 'rollback',
      afterRevision: after,
      ...(after > 0 ? { previousRevision: after } : {}),
      health: req.health,
      terminateGraceMs: req.terminateGraceMs,
      ...(!force && usesStatusWatcher(helmMajor, req.helmArgs ?? []) ? { watcherStuckAfterMs: HELM_WATCHER_STUCK_MS } : {}),
    });
  let run: Awaited<ReturnType<typeof superviseHelm>>;
  /** The rollback revision helm stored in `run` (as the storage has it now), if any. */
  const storedBy = async (r: typeof run) => {
    const history = await deps.releases.listHistory(req.release, req.namespace).catch(() => []);
    return history.find((h) => h.revision === r.revision) ?? [...history].reverse().find((h) => h.revision > req.afterRevision);
  };
  try {
    run = await helmRollback(req.afterRevision);
    // helm lost a briefly unavailable API server (a restart, a 5xx burst) after storing its rollback revision, which
    // it then left pending-rollback (or recorded failed) while the workloads showed no failure: that says nothing
    // about the target, so the rollback runs again (twice at most); helm supersedes the stuck revision.
    for (let again = 0; again < 2 && !run.healthy && !run.nothingStored && !run.verdictHealthy; again++) {
      const message = run.failure?.reason === 'HelmFailed' ? run.failure.message : undefined;
      if (message === undefined || !isTransientHelmFailure(message)) break;
      const stored = await storedBy(run);
      if (stored === undefined || (stored.status !== 'pending-rollback' && stored.status !== 'failed')) break;
      emit({ type: 'notice', level: 'warn', message: `${message}: helm lost a briefly unavailable API server after storing revision ${stored.revision} (left ${stored.status}; the rollout showed no failure); running the rollback to ${req.toRevision} again`, at: clock.now() });
      run = await helmRollback(stored.revision);
    }
    // Healthy workloads, but helm failed (or was stopped as stuck) before recording its rollback: left pending-rollback,
    // the release would refuse the next upgrade. The rollback runs once more, so helm records it.
    if (!run.healthy && run.verdictHealthy && run.failure?.reason === 'HelmFailed') {
      const stored = await storedBy(run);
      if (stored?.status === 'pending-rollback') {
        emit({ type: 'notice', level: 'warn', message: `${run.failure.message}: the rollback's workloads are healthy, but helm left revision ${stored.revision} pending-rollback; running the rollback to ${req.toRevision} again so helm records it`, at: clock.now() });
        run = await helmRollback(stored.revision);
      }
    }
  } finally {
    forcer?.stop();
  }
  // A rollback whose workloads are healthy is healthy, even when helm failed or overran its wait.
  const healthyAnyway = !run.healthy && run.verdictHealthy && run.failure?.reason === 'HelmFailed';
  if (healthyAnyway && run.failure) {
    emit({ type: 'notice', level: 'warn', message: `the rollback's workloads are healthy (every one rolled out and ready), but ${run.failure.message}; the rollback counts as healthy`, at: clock.now() });
  }
  const result: RecoveryResult = {
    ok: run.healthy || healthyAnyway,
    startedAt: run.startedAt,
    ...(run.revision === undefined ? {} : { newRevision: run.revision }),
  };
  if (run.healthy) result.completedAt = run.healthyAt;
  else if (healthyAnyway) result.completedAt = run.failure?.detectedAt;
  else if (run.failure) {
    result.failure = run.failure;
    result.message = `rollback to revision ${req.toRevision} failed: ${describeFailure(run.failure)}: ${run.failure.message}`;
  }
  if (deps.ledger && result.newRevision !== undefined) {
    const f = result.failure;
    const entry: LedgerEntry = f
      ? { revision: result.newRevision, verdict: 'failed', reason: f.reason, decidedAt: f.detectedAt, ttdMs: Math.max(0, f.detectedAt.getTime() - f.firstSignalAt.getTime()) }
      : { revision: result.newRevision, verdict: 'healthy', decidedAt: result.completedAt ?? clock.now() };
    try {
      await deps.ledger.record(req.release, req.namespace, entry);
    } catch (err) {
      emit({ type: 'notice', level: 'warn', message: `could not record revision ${entry.revision} in the autorollback ledger: ${(err as Error).message}`, at: clock.now() });
    }
  }
  emit({
    type: 'rollback-finished',
    ok: result.ok,
    ...(result.newRevision === undefined ? {} : { newRevision: result.newRevision }),
    ...(result.message === undefined ? {} : { message: result.message }),
    at: clock.now(),
  });
  return result;
}
