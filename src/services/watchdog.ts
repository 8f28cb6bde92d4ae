import { bakeBaseline, EMPTY_BAKE_MEMORY, evaluateBake, type BakeMemory, type BakeOptions, type BakeVerdict } from '../domain/health/post-rollout.js';
import type { HealthOptions } from '../domain/health/types.js';
import { sharedPodSelectors } from '../domain/manifest/pod-selector.js';
import { releaseWorkloads } from '../domain/manifest/workloads.js';
import type { RevisionSummary } from '../domain/release/release.js';
import { validateReleaseName } from '../domain/release-name.js';
import type { LedgerEntry } from '../domain/rollback/ledger.js';
import { chooseRollbackTarget } from '../domain/rollback/target.js';
import type { WatchdogRunEvent } from '../domain/watchdog/events.js';
import { leaseExpiresAt } from '../domain/watchdog/lease.js';
import { initialWatchdog, nextWakeAt, stepWatchdog, type InconclusivePolicy, type WatchdogEffect, type WatchdogEvent, type WatchdogState } from '../domain/watchdog/machine.js';
import { buildWatchdogReport, type WatchdogReport } from '../domain/watchdog/report.js';
import type { MetricResult, WatchdogNoticeKind } from '../domain/watchdog/types.js';
import { describeFailure } from '../domain/upgrade/events.js';
import { UsageError } from '../errors/errors.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterWatch } from '../ports/cluster-watch.js';
import type { HelmRunner } from '../ports/helm-runner.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { ReleaseMarker } from '../ports/release-marker.js';
import type { ReleaseStore } from '../ports/release-store.js';
import type { WatchdogLeases } from '../ports/watchdog-lease.js';
import { rollbackAndJudge, type RollbackAndJudgeDeps } from './rollback-and-judge.js';

/** The ports a watchdog works through; the command builds the real ones, tests pass fakes. */
export interface WatchdogDeps {
  helm: HelmRunner;
  /** A watch over the release's namespace, not started yet (the watchdog starts and stops it). */
  watch: ClusterWatch;
  releases: ReleaseStore;
  ledger: LedgerStore;
  leases: WatchdogLeases;
  clock: Clock;
  /** Receives every WatchdogRunEvent, in order. */
  emit: (event: WatchdogRunEvent) => void;
  /** Deletes pods for a forced StatefulSet rollback (passed through to rollbackAndJudge). */
  pods?: RollbackAndJudgeDeps['pods'];
  /** Records the baked revision as failed in helm's history after a rollback (helm calls it superseded). */
  marker?: ReleaseMarker;
  /**
   * Starts the metric checks (h9analysis's runner) for the baked revision (`{{revision}}`); the watchdog feeds
   * each result to its state machine. Returns a stop function.
   */
  startMetrics?: (onResult: (result: MetricResult) => void, revision: number) => () => void;
  /** Sends a notification (fire-and-forget; must never throw or block). */
  notify?: (kind: WatchdogNoticeKind, report: WatchdogReport) => void;
}

/** Controls from the terminal (keys d and r of the live view). */
export interface WatchdogControls {
  /** Calls `listener('disarm' | 'rollback-now')` when a person asks; returns an unsubscribe function. */
  subscribe(listener: (action: 'disarm' | 'rollback-now') => void): () => void;
}

/** What to watch and how; the command fills it from flags. */
export interface WatchdogRequest {
  release: string;
  namespace: string;
  /** How long to bake (`--for`). */
  durationMs: number;
  /** `--to-revision`. */
  toRevision?: number;
  bake: BakeOptions;
  /** How the rollback's own rollout is judged. */
  health: HealthOptions;
  helmGlobalArgs: readonly string[];
  helmEnv?: Readonly<Record<string, string>>;
  /** This watchdog's identity in the Lease. */
  holder: string;
  /** Lease duration (default 15 s) and renewal period (default 2 s; also how fast a disarm request is seen). */
  leaseDurationMs?: number;
  renewEveryMs?: number;
  onInconclusive?: InconclusivePolicy;
  /** Ctrl-C / SIGTERM: disarms (a running rollback continues). */
  interrupt?: AbortSignal;
  controls?: WatchdogControls;
}

/**
 * `helm autorollback watchdog`: arms on the deployed revision (taking the release's Lease), judges its health
 * with the post-rollout rules (and the metric checks) until the deadline, and carries out what the watchdog
 * state machine decides: roll back through rollbackAndJudge on degradation, record `verified` after a clean
 * bake, stand down when a newer revision appears or the lease is lost, disarm on request. Returns the report
 * (also emitted as `finished`). Bad input throws a UsageError before anything changes.
 */
export async function runWatchdog(deps: WatchdogDeps, req: WatchdogRequest): Promise<WatchdogReport> {
  validateReleaseName(req.release);
  const { clock, emit } = deps;
  const notice = (level: 'info' | 'warn', message: string) => emit({ type: 'notice', level, message, at: clock.now() });
  const history = await deps.releases.listHistory(req.release, req.namespace);
  const deployed = [...history].reverse().find((h) => h.status === 'deployed');
  if (!deployed) throw new UsageError(`release "${req.release}" has no deployed revision to watch`, { hint: `see helm history ${req.release} -n ${req.namespace}` });
  const ledgerRead = await deps.ledger.read(req.release, req.namespace);
  for (const w of ledgerRead.warnings) notice('warn', w);
  const release = await deps.releases.getRevision(req.release, req.namespace, deployed.revision);
  // A deployed rollback revision runs the content of the revision it went back to: that one is no target.
  const rollbackOf = Number(/^Rollback to (\d+)/.exec(release.description ?? '')?.[1] ?? NaN);
  const lastKnownGood = (h: readonly RevisionSummary[], ledger: readonly LedgerEntry[]) =>
    chooseRollbackTarget({ history: h.filter((x) => x.revision !== rollbackOf), attemptedRevision: deployed.revision, ledger });
  const planned = req.toRevision === undefined
    ? lastKnownGood(history, ledgerRead.entries)
    : chooseRollbackTarget({ history, attemptedRevision: deployed.revision, ledger: ledgerRead.entries, override: req.toRevision });
  if (req.toRevision !== undefined && 'none' in planned) throw new UsageError(planned.none);
  if ('none' in planned) notice('warn', `no rollback target: ${planned.none}; on degradation the watchdog can only report`);
  // The rollback needs helm: an unusable one (missing, not helm, too old) is refused now, not at the end of the bake.
  if (!('none' in planned)) await deps.helm.majorVersion();
  const workloads = releaseWorkloads(release, 'upgrade', req.namespace).filter((w) => !w.hook);

  const armedAt = clock.now();
  const leaseDurationMs = req.leaseDurationMs ?? 15_000;
  let state: WatchdogState = initialWatchdog({
    revision: deployed.revision,
    ...(req.toRevision === undefined ? {} : { target: req.toRevision }),
    armedAt,
    durationMs: req.durationMs,
    ...(req.onInconclusive ? { onInconclusive: req.onInconclusive } : {}),
  });
  const ctx = { release: req.release, namespace: req.namespace, holder: req.holder };
  const cleanups: Array<() => void> = [];
  let memory: BakeMemory = EMPTY_BAKE_MEMORY;
  let lastHealth: BakeVerdict['state'] | undefined;
  let finish: (report: WatchdogReport) => void = () => undefined;
  const finished = new Promise<WatchdogReport>((resolve) => (finish = resolve));

  // Events and effects run one at a time, in order: an effect's result is just another event.
  let queue = Promise.resolve();
  const dispatch = (event: WatchdogEvent) => {
    queue = queue.then(async () => {
      const step = stepWatchdog(state, event);
      const wake = nextWakeAt(state)?.getTime();
      state = step.state;
      if (watching && nextWakeAt(state)?.getTime() !== wake) scheduleWake();
      for (const effect of step.effects) await perform(effect);
    }).catch((err: unknown) => notice('warn', `watchdog error: ${(err as Error).message}`));
  };

  const perform = async (effect: WatchdogEffect): Promise<void> => {
    switch (effect.type) {
      case 'log':
        return notice(effect.level, effect.message);
      case 'record-failed': {
        const f = effect.failure;
        const toRevision = state.target ?? ('revision' in planned ? planned.revision : undefined);
        emit({ type: 'degraded', failure: f, ...(toRevision === undefined ? {} : { toRevision }), at: clock.now() });
        return record({ revision: effect.revision, verdict: 'failed', reason: f.reason, decidedAt: f.detectedAt, ttdMs: Math.max(0, f.detectedAt.getTime() - f.firstSignalAt.getTime()) });
      }
      case 'record-verified':
        return record({ revision: effect.revision, verdict: 'verified', decidedAt: effect.at, bakedMs: effect.at.getTime() - armedAt.getTime() });
      case 'rollback':
        stopWatching();
        // Not awaited: events (a Ctrl-C, a lost lease) keep flowing while helm rolls back.
        void rollBack(effect.toRevision);
        return;
      case 'notify':
        deps.notify?.(effect.kind, buildWatchdogReport(state, ctx));
        return;
      case 'release-lease':
        try {
          await deps.leases.release(req.release, req.namespace, req.holder);
        } catch (err) {
          notice('warn', `could not release the watchdog lease: ${(err as Error).message} (it expires by itself)`);
        }
        return;
      case 'finish': {
        stopWatching();
        stopRenewing();
        const report = buildWatchdogReport(state, ctx);
        emit({ type: 'finished', report, at: clock.now() });
        finish(report);
        return;
      }
    }
  };

  const record = async (entry: LedgerEntry) => {
    try {
      await deps.ledger.record(req.release, req.namespace, entry);
    } catch (err) {
      notice('warn', `could not record revision ${entry.revision} in the autorollback ledger: ${(err as Error).message}`);
    }
  };

  const rollBack = async (toRevision: number | undefined) => {
    let current: RevisionSummary[] = history;
    let target = toRevision;
    try {
      current = await deps.releases.listHistory(req.release, req.namespace);
      if (target === undefined) {
        const ledger = (await deps.ledger.read(req.release, req.namespace)).entries;
        const choice = lastKnownGood(current, ledger);
        if ('none' in choice) return dispatch({ type: 'rollback-finished', now: clock.now(), ok: false, message: `no rollback target: ${choice.none}` });
        target = choice.revision;
      }
    } catch (err) {
      return dispatch({ type: 'rollback-finished', now: clock.now(), ok: false, message: (err as Error).message });
    }
    if (state.rollback) state = { ...state, rollback: { ...state.rollback, toRevision: target } };
    const latest = current.reduce((m, r) => Math.max(m, r.revision), 0);
    const result = await rollbackAndJudge(
      { ...deps, emit: (event) => emit({ type: 'rollback', event, at: clock.now() }) },
      { release: req.release, namespace: req.namespace, toRevision: target, afterRevision: latest, helmGlobalArgs: req.helmGlobalArgs, ...(req.helmEnv ? { helmEnv: req.helmEnv } : {}), health: req.health },
    );
    if (deps.marker && state.failure) {
      const f = state.failure;
      try {
        await deps.marker.markFailed(req.release, req.namespace, state.revision, `Upgrade "${req.release}" failed: autorollback watchdog: ${describeFailure(f)}: ${f.message}`);
      } catch (err) {
        notice('warn', `could not record revision ${state.revision} as failed in helm's history: ${(err as Error).message}`);
      }
    }
    dispatch({ type: 'rollback-finished', now: clock.now(), ok: result.ok, ...(result.newRevision === undefined ? {} : { newRevision: result.newRevision }), ...(result.message ? { message: result.message } : {}) });
  };

  // ---- inputs ----
  let watching = false;
  let evaluating = false;
  let cancelRecheck: (() => void) | undefined;
  let cancelWake: (() => void) | undefined;
  let stopRenewing: () => void = () => undefined;
  const stopWatching = () => {
    if (!watching) return;
    watching = false;
    for (const c of cleanups.splice(0)) c();
    cancelRecheck?.();
    cancelWake?.();
  };
  const evaluate = () => {
    if (!watching) return;
    const now = clock.now();
    const newer = deps.watch.releaseRecords().find((r) => r.revision > state.revision);
    if (newer) dispatch({ type: 'revision-seen', now, revision: newer.revision });
    const verdict = evaluateBake({ workloads, snapshot: deps.watch.snapshot(), options: req.bake, baseline, memory, now });
    memory = verdict.memory;
    const { memory: _m, ...shown } = verdict;
    emit({ type: 'health', verdict: shown, at: now });
    if (verdict.state !== lastHealth) {
      lastHealth = verdict.state;
      emit({ type: 'health-changed', state: verdict.state, ...(verdict.failure ? { failure: verdict.failure } : {}), at: now });
    }
    dispatch({ type: 'health', now, state: verdict.state, ...(verdict.failure ? { failure: verdict.failure } : {}) });
    cancelRecheck?.();
    cancelRecheck = verdict.recheckAt ? clock.at(verdict.recheckAt, evaluate) : undefined;
  };
  const scheduleEvaluate = () => {
    if (evaluating || !watching) return;
    evaluating = true;
    // Informer events of one burst arrive in consecutive ticks; one evaluation covers them all.
    setImmediate(() => {
      evaluating = false;
      evaluate();
    });
  };
  const scheduleWake = () => {
    cancelWake?.();
    const at = nextWakeAt(state);
    cancelWake = at ? clock.at(at, () => dispatch({ type: 'tick', now: clock.now() })) : undefined;
  };

  await deps.watch.start();
  // Only the release's pods for the bake (the baseline below included), however full the namespace.
  const watch = deps.watch;
  if (watch.selectPods) await Promise.all([...sharedPodSelectors(workloads)].map(([n, selector]) => watch.selectPods!(n, selector)));
  const baseline = bakeBaseline(workloads, deps.watch.snapshot(), armedAt);
  const claim = { holder: req.holder, revision: deployed.revision, ...(req.toRevision === undefined ? {} : { target: req.toRevision }), deadline: state.deadline, durationMs: leaseDurationMs };
  let acquired = await deps.leases.acquire(req.release, req.namespace, claim, armedAt);
  const heldFor = acquired.acquired ? 0 : leaseExpiresAt(acquired.current).getTime() - clock.now().getTime();
  if (!acquired.acquired && heldFor <= 2 * leaseDurationMs) {
    // A watchdog of this revision that was killed leaves its lease until it expires: wait that out once, as a
    // leader-election candidate does. A live holder renews it meanwhile, and this one stands down.
    notice('info', `another watchdog (${acquired.current.holder}) holds the lease until ${leaseExpiresAt(acquired.current).toISOString()}; waiting for it to expire or be renewed`);
    await clock.sleep(Math.max(0, heldFor) + 1000);
    acquired = await deps.leases.acquire(req.release, req.namespace, claim, clock.now());
  }
  if (!acquired.acquired) {
    dispatch({ type: 'lease-held', now: clock.now(), holder: acquired.current.holder, until: leaseExpiresAt(acquired.current) });
    deps.watch.stop();
    return finished;
  }
  emit({
    type: 'armed', release: req.release, namespace: req.namespace, revision: deployed.revision,
    ...(req.toRevision !== undefined ? { target: req.toRevision } : 'revision' in planned ? { target: planned.revision } : {}),
    armedAt, deadline: state.deadline, holder: req.holder, workloads: workloads.length, at: clock.now(),
  });
  watching = true;
  dispatch({ type: 'lease-acquired', now: clock.now() });
  cleanups.push(deps.watch.onChange(scheduleEvaluate));
  cleanups.push(deps.watch.onError((err) => notice('warn', `cluster watch failed: ${err.message}`)));
  stopRenewing = renewLoop(deps, req, leaseDurationMs, dispatch);
  if (deps.startMetrics) cleanups.push(deps.startMetrics((result) => {
    emit({ type: 'metric', result, at: clock.now() });
    dispatch({ type: 'metric', now: clock.now(), result });
  }, deployed.revision));
  if (req.controls) cleanups.push(req.controls.subscribe((action) => dispatch(action === 'disarm' ? { type: 'disarm', now: clock.now(), by: 'disarmed from the terminal (key d)' } : { type: 'rollback-now', now: clock.now() })));
  const onInterrupt = () => dispatch({ type: 'interrupt', now: clock.now(), signal: String(req.interrupt?.reason ?? 'interrupt') });
  if (req.interrupt?.aborted) onInterrupt();
  req.interrupt?.addEventListener('abort', onInterrupt, { once: true });
  evaluate();
  try {
    return await finished;
  } finally {
    req.interrupt?.removeEventListener('abort', onInterrupt);
    stopWatching();
    stopRenewing();
    await queue;
    deps.watch.stop();
  }
}

/**
 * Renews the lease every period. A renewal that finds the lease someone else's, gone, or carrying a disarm
 * request reports it at once; renewals that keep failing (API unreachable) count as a lost lease once the
 * lease would have expired, since another watchdog may then take it.
 */
function renewLoop(deps: WatchdogDeps, req: WatchdogRequest, leaseDurationMs: number, dispatch: (e: WatchdogEvent) => void): () => void {
  const { clock } = deps;
  const every = req.renewEveryMs ?? 2_000;
  let lastOk = clock.now().getTime();
  let stopped = false;
  let cancel: (() => void) | undefined;
  const next = () => {
    if (stopped) return;
    cancel = clock.at(new Date(clock.now().getTime() + every), () => void renew());
  };
  const renew = async () => {
    if (stopped) return;
    try {
      const r = await deps.leases.renew(req.release, req.namespace, req.holder, clock.now());
      if (stopped) return;
      if ('renewed' in r) {
        lastOk = clock.now().getTime();
        return next();
      }
      if ('lost' in r) return dispatch({ type: 'lease-lost', now: clock.now(), detail: r.lost });
      return dispatch({ type: 'disarm', now: clock.now(), by: `disarmed by ${r.disarm.by}` });
    } catch (err) {
      if (stopped) return;
      if (clock.now().getTime() - lastOk >= leaseDurationMs) {
        return dispatch({ type: 'lease-lost', now: clock.now(), detail: `could not renew the lease for ${Math.round(leaseDurationMs / 1000)}s: ${(err as Error).message}` });
      }
      next();
    }
  };
  next();
  return () => {
    stopped = true;
    cancel?.();
  };
}
