import type { Failure, HealthOptions, RolloutProgress, Verdict } from '../domain/health/types.js';
import { sharedPodSelectors } from '../domain/manifest/pod-selector.js';
import type { WorkloadRef } from '../domain/manifest/workload-ref.js';
import { releaseWorkloads, type ReleaseAction } from '../domain/manifest/workloads.js';
import type { UpgradeEvent, WatchPhase } from '../domain/upgrade/events.js';
import { lastErrorLine } from '../helm/helm-runner.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterWatch, ResourceKind } from '../ports/cluster-watch.js';
import type { HelmExit, HelmProcess, HelmRunner } from '../ports/helm-runner.js';
import { ReleaseNotFoundError, type ReleaseStore } from '../ports/release-store.js';
import { templateChanges } from './upgrade-applied.js';
import { RolloutMonitor } from './upgrade-rollout.js';

/** The ports a supervised helm run needs. */
export interface SuperviseDeps {
  helm: HelmRunner;
  watch: ClusterWatch;
  releases: ReleaseStore;
  clock: Clock;
  emit: (event: UpgradeEvent) => void;
}

/** One helm command whose rollout is judged live. */
export interface SuperviseInput {
  release: string;
  namespace: string;
  /** helm argv (without the binary). */
  args: readonly string[];
  /** Extra environment for helm (HELM_DRIVER). */
  env?: Readonly<Record<string, string>>;
  phase: WatchPhase;
  /** The helm action creating the revision: decides which hooks belong to the rollout. */
  action: ReleaseAction;
  /** The newest revision stored before helm starts; the first one above it is this run's. */
  afterRevision: number;
  /** The revision whose spec the cluster holds now (to see when helm has applied the new one); none for an install. */
  previousRevision?: number;
  health: HealthOptions;
  /** How long helm gets to stop after SIGTERM before SIGKILL (default 30 s). */
  terminateGraceMs?: number;
  /**
   * Aborting it fails the run at once with reason `Interrupted` (helm is stopped like on any failure). Only
   * the upgrade passes one: a rollback is never interrupted this way.
   */
  interrupt?: AbortSignal;
  /**
   * For helm 4's status watcher (a bare `--wait`): how long every workload may be healthy with helm still waiting
   * before helm is taken as stuck. That watcher misses a workload's last update when reading its status fails at
   * that moment (an API server restart, a 5xx burst) and then waits out its whole timeout; stopped, it records
   * the revision failed, and the caller may run it again (`helmStuck`).
   */
  watcherStuckAfterMs?: number;
}

/** How a supervised run ended. */
export interface SuperviseResult {
  /** When helm was started. */
  startedAt: Date;
  /** The revision helm created, when it created one. */
  revision?: number;
  /** helm's exit (after SIGTERM, when we stopped it). */
  exit: HelmExit;
  /** True when the rollout was judged healthy and helm succeeded. */
  healthy: boolean;
  /** When the healthy verdict was reached. */
  healthyAt?: Date;
  /** For a healthy run: the new pods' creation-to-Ready times per workload (for the ledger's learned graces). */
  startup?: Record<string, number[]>;
  /** Set when it failed: the evidence and when we decided. */
  failure?: Failure & { detectedAt: Date };
  /** True when we stopped helm with a signal. */
  stoppedHelm: boolean;
  /** True when the cluster watch broke and only helm's own result was used. */
  watchLost: boolean;
  /**
   * True when our own verdict on the workloads was healthy when the run was decided, whatever helm did (helm
   * failed, or still waited past --timeout for something the verdict does not cover).
   */
  verdictHealthy: boolean;
  /** The last progress of the verdict (what was still pending), when the workloads were known. */
  progress?: RolloutProgress;
  /** True when helm exited and its storage holds no revision of this run (helm refused the input). */
  nothingStored: boolean;
  /** True when helm was stopped because it kept waiting after every workload was healthy (watcherStuckAfterMs). */
  helmStuck?: boolean;
}

/**
 * How long helm may keep running after --timeout once our verdict is healthy, before it is stopped (SIGTERM,
 * then SIGKILL after `terminateGraceMs`): together they bound a phase to --timeout + 5 s + the grace.
 */
export const HELM_OVERRUN_MS = 5_000;

/**
 * helm's (client-go's) words for an API server that could not be reached or answered 5xx / 429 for a moment: a
 * restart, a 5xx burst, throttling. Matched against helm's last error line.
 */
const TRANSIENT_HELM_ERROR =
  /kubernetes cluster unreachable|connection refused|connection reset by peer|the server is currently unable to handle the request|an error on the server|Internal error occurred|TLS handshake timeout|http2: client connection lost|unexpected EOF|too many requests|i\/o timeout/i;

/**
 * helm 4's status watcher (kstatus) stops at once, naming a resource `not ready. status: Unknown`, when it could not
 * read that resource's status (its ReplicaSets' list answered 500, say). At its timeout it adds `context deadline
 * exceeded`: a wait that ran out, not a transient failure.
 */
const KSTATUS_READ_FAILED = /not ready\. status: Unknown/;
const HELM_WAIT_TIMED_OUT = /context deadline exceeded|timed out waiting/i;

/** Whether a helm failure message says the API server was briefly unavailable (nothing about the chart). */
export function isTransientHelmFailure(message: string): boolean {
  return TRANSIENT_HELM_ERROR.test(message) || (KSTATUS_READ_FAILED.test(message) && !HELM_WAIT_TIMED_OUT.test(message));
}

/**
 * How long every workload may be healthy (past the stable window) while helm 4's status watcher still waits before
 * helm is taken as stuck: the watcher returns within moments of its last event; post-upgrade hook Jobs, which it
 * runs after its wait, make the verdict pending again while they run.
 */
export const HELM_WATCHER_STUCK_MS = 20_000;

/** Whether helm's --wait is helm 4's status watcher: helm 4 without `--wait=legacy` among the pass-through flags. */
export function usesStatusWatcher(helmMajor: number, helmArgs: readonly string[]): boolean {
  return helmMajor >= 4 && !helmArgs.includes('--wait=legacy');
}

/**
 * How long helm is started again after it first failed on an unavailable API server without storing anything (ms),
 * counted from that failure: helm's own run before it (slowed by the same outage) does not use it up.
 */
export const HELM_TRANSIENT_RETRY_BUDGET_MS = 30_000;

/**
 * {@link superviseHelm}, started again (after 1 s, doubling to 5 s, within `budgetMs` of its first failure) while
 * helm fails before it stored anything because the API server was briefly unavailable (an API server restart, a 5xx
 * burst), or because a signal this plugin did not send killed it: nothing changed, so running it again is safe, and
 * it keeps a healthy upgrade or a needed rollback from failing on a blip. Any other outcome, an interrupt, or a run
 * that stored a revision is returned as it is.
 */
export async function superviseHelmRetrying(deps: SuperviseDeps, input: SuperviseInput, budgetMs = HELM_TRANSIENT_RETRY_BUDGET_MS): Promise<SuperviseResult> {
  let firstFailure: number | undefined;
  let delay = 1000;
  for (;;) {
    const run = await superviseHelm(deps, input);
    firstFailure ??= deps.clock.now().getTime();
    const message = run.failure?.reason === 'HelmFailed' ? run.failure.message : undefined;
    // helm killed by a signal this plugin did not send (the OOM killer, a runner's reaper) before it stored anything
    // left nothing behind either.
    const killed = message !== undefined && !run.stoppedHelm && /killed by SIG[A-Z]+/.test(message);
    const retry = !run.healthy && run.nothingStored && message !== undefined && (isTransientHelmFailure(message) || killed) && !input.interrupt?.aborted;
    if (!retry || deps.clock.now().getTime() - firstFailure + delay > budgetMs) return run;
    const why = killed ? 'helm was killed before it stored anything' : 'the API server was unavailable; nothing was stored';
    deps.emit({ type: 'notice', level: 'warn', message: `${message} (${why}); starting helm again in ${delay / 1000}s`, at: deps.clock.now() });
    await new Promise<void>((resolve) => {
      const cancel = deps.clock.at(new Date(deps.clock.now().getTime() + delay), resolve);
      input.interrupt?.addEventListener('abort', () => (cancel(), resolve()), { once: true });
    });
    if (input.interrupt?.aborted) return run;
    delay = Math.min(delay * 2, 5000);
  }
}

/**
 * Runs one helm command (upgrade --install or rollback) while judging its rollout: watches for the revision
 * helm stores, decodes it for the workloads, and lets a RolloutMonitor decide. On a failed verdict helm is
 * stopped with SIGTERM (both majors then record the revision as failed). Healthy needs both our verdict and
 * helm's success; helm failing without a cluster signal is a `HelmFailed` failure.
 */
export async function superviseHelm(deps: SuperviseDeps, input: SuperviseInput): Promise<SuperviseResult> {
  const { watch, clock, emit } = deps;
  const startedAt = clock.now();
  const monitor = new RolloutMonitor({ watch, clock, options: input.health, startedAt, phase: input.phase, emit });
  let revision: number | undefined;
  let loading = false;
  let watchLost = false;

  const detect = () => {
    if (revision !== undefined || loading) return;
    const found = watch.releaseRecords().find((r) => r.revision > input.afterRevision);
    if (!found) return;
    loading = true;
    const get = (n: number) => deps.releases.getRevision(input.release, input.namespace, n);
    const previous = input.previousRevision === undefined ? undefined : get(input.previousRevision).catch(() => undefined);
    Promise.all([get(found.revision), previous]).then(
      async ([rel, prev]) => {
        const workloads = releaseWorkloads(rel, input.action, input.namespace);
        // Workloads the manifest puts in other namespaces: watch those too before judging.
        const others = [...new Set(workloads.map((w) => w.namespace))].filter((n) => n !== input.namespace);
        if (others.length > 0 && watch.watchNamespaces) {
          try {
            await watch.watchNamespaces(others);
          } catch (err) {
            emit({ type: 'notice', level: 'warn', message: `cannot watch namespace(s) ${others.join(', ')}: ${(err as Error).message}`, at: clock.now() });
          }
        }
        await watchOtherKinds(watch, workloads, (message) => emit({ type: 'notice', level: 'warn', message, at: clock.now() }));
        // Only the release's pods from here on: a namespace full of other workloads' pods then costs nothing.
        if (watch.selectPods) await Promise.all([...sharedPodSelectors(workloads)].map(([n, selector]) => watch.selectPods!(n, selector)));
        revision = found.revision;
        emit({ type: 'revision-detected', revision: found.revision, workloads: workloads.length, at: clock.now() });
        monitor.setWorkloads(workloads, prev ? templateChanges(prev.manifest, rel.manifest, input.namespace) : undefined);
      },
      (err: unknown) => {
        loading = false; // the record may be mid-write; the next change retries
        emit({ type: 'notice', level: 'warn', message: `cannot read revision ${found.revision} yet: ${(err as Error).message}`, at: clock.now() });
      },
    );
  };
  const offChange = watch.onChange(detect);
  const offError = watch.onError((err) => {
    watchLost = true;
    emit({ type: 'notice', level: 'warn', message: `lost the cluster watch (${err.message}); relying on helm's own wait`, at: clock.now() });
    decideNow();
  });

  let helmErrorStarted = false;
  const proc: HelmProcess = deps.helm.start(input.args, {
    env: input.env,
    onLine: (stream, line) => {
      // helm's closing `Error: ...` (and the lines it wraps onto) reaches the user once, inside the failure or
      // the error this run ends with; echoing it too would print the same error two or three times.
      if (stream === 'stderr' && line.startsWith('Error:')) helmErrorStarted = true;
      if (stream === 'stderr' && helmErrorStarted) return;
      emit({ type: 'helm-output', stream, line, at: clock.now() });
    },
  });
  let exit: HelmExit | undefined;
  type Decision = { healthy: true; at: Date } | { healthy: false; failure: Failure; at: Date };
  let resolveDecision!: (d: Decision) => void;
  const decision = new Promise<Decision>((r) => (resolveDecision = r));

  const interrupted = (): Failure => ({
    reason: 'Interrupted',
    object: releaseObject(),
    message: `interrupted by ${String(input.interrupt?.reason ?? 'the user')} while helm ${input.args[0]} was running`,
    firstSignalAt: clock.now(),
    firstSignalBasis: 'plugin-clock',
  });
  const releaseObject = () => (revision === undefined ? `Release/${input.release}` : `Release/${input.release}.v${revision}`);
  let decided = false;
  const decideInterrupted = () => {
    if (decided) return;
    decided = true;
    const failure = interrupted();
    const now = failure.firstSignalAt;
    emit({ type: 'verdict', phase: input.phase, verdict: { state: 'failed', progress: monitor.verdict?.progress ?? emptyProgress(now), ...failure }, at: now });
    resolveDecision({ healthy: false, failure, at: now });
  };

  function decideNow(): void {
    const v: Verdict | undefined = monitor.verdict;
    // helm got the same Ctrl-C (the whole process group does) and may have exited first.
    if (input.interrupt?.aborted) return decideInterrupted();
    if (v?.state === 'failed' && !watchLost) return resolveDecision({ healthy: false, failure: failureOf(v), at: clock.now() });
    if (!exit) return;
    if (exit.code !== 0) {
      const again = watchLost ? undefined : monitor.evaluateNow();
      if (again?.state === 'failed') return resolveDecision({ healthy: false, failure: failureOf(again), at: clock.now() });
      const now = clock.now();
      const failure: Failure = {
        reason: 'HelmFailed',
        object: releaseObject(),
        message: `helm ${input.args[0]} failed: ${lastErrorLine(exit.stderr) || (exit.code === null ? `killed by ${exit.signal ?? 'a signal'}` : `exit code ${exit.code}`)}`,
        firstSignalAt: now,
        firstSignalBasis: 'plugin-clock',
      };
      // Without a stored revision this is helm refusing the input; the caller reports it once, as an error.
      if (!nothingStored) emit({ type: 'verdict', phase: input.phase, verdict: { state: 'failed', progress: emptyProgress(now), ...failure }, at: now });
      return resolveDecision({ healthy: false, failure, at: now });
    }
    if (nothingStored) {
      // helm says it succeeded, yet stored nothing: not a helm we can work with. Never wait out the timeout for it.
      const now = clock.now();
      const said = lastErrorLine(exit.stderr) || exit.stdout.trim().split('\n').pop() || 'no output';
      const failure: Failure = { reason: 'HelmFailed', object: releaseObject(), message: `helm ${input.args[0]} exited with code 0 without storing a new revision (it printed: ${said})`, firstSignalAt: now, firstSignalBasis: 'plugin-clock' };
      return resolveDecision({ healthy: false, failure, at: now });
    }
    if (watchLost || v?.state === 'healthy') {
      const now = clock.now();
      // Reported only now, once: helm has finished (hooks included) and the revision's workloads were judged.
      if (v?.state === 'healthy' && !watchLost) emit({ type: 'verdict', phase: input.phase, verdict: v, at: now });
      return resolveDecision({ healthy: true, at: now });
    }
    // helm is satisfied but our rules are not yet: keep judging until healthy, failed or the timeout.
  }
  const offVerdict = monitor.onVerdict(() => decideNow());
  let helmStuck = false;
  let cancelStuck: (() => void) | undefined;
  const stuckAfter = input.watcherStuckAfterMs;
  const offStuck = monitor.onVerdict((v) => {
    cancelStuck?.();
    cancelStuck = undefined;
    if (stuckAfter === undefined || v.state !== 'healthy' || exit) return;
    cancelStuck = clock.at(new Date(clock.now().getTime() + stuckAfter), () => {
      const verdict = monitor.verdict;
      if (exit || decided || watchLost || verdict?.state !== 'healthy') return;
      // helm 4's watcher waits for every Job of the release to complete, --wait-for-jobs or not; the verdict
      // waits for them only with it. A Job still running is what helm waits for, not a missed update.
      if (verdict.progress.workloads.some((w) => w.kind === 'Job' && !w.hook && w.available < w.desired)) return;
      decided = true;
      helmStuck = true;
      const now = clock.now();
      const failure: Failure = {
        reason: 'HelmFailed',
        object: releaseObject(),
        message: `helm ${input.args[0]} was still waiting ${Math.round(stuckAfter / 1000)}s after every workload was healthy (helm 4's status watcher misses a workload's last update when reading its status fails, as during an API server restart or a 5xx burst); stopped it`,
        firstSignalAt: now,
        firstSignalBasis: 'plugin-clock',
      };
      resolveDecision({ healthy: false, failure, at: now });
    });
  });
  // --timeout bounds the run whatever helm does: once our verdict is healthy, helm gets a few seconds past the
  // timeout to finish its own wait, then it is stopped (it may be waiting for something the verdict does not
  // cover, or hang); the caller decides what a healthy verdict with a failed helm means.
  const cancelOverrun = clock.at(new Date(startedAt.getTime() + input.health.timeoutMs + HELM_OVERRUN_MS), () => {
    if (exit || decided || watchLost) return;
    decided = true;
    const now = clock.now();
    const failure: Failure = {
      reason: 'HelmFailed',
      object: revision === undefined ? 'Release' : `Release/${input.release}.v${revision}`,
      message: `helm ${input.args[0]} was still running ${Math.round((input.health.timeoutMs + HELM_OVERRUN_MS) / 1000)}s after it started (--timeout ${Math.round(input.health.timeoutMs / 1000)}s); stopped it`,
      firstSignalAt: now,
    };
    resolveDecision({ healthy: false, failure, at: now });
  });
  // Set once helm has exited and its storage holds no revision of this run: there is nothing to watch.
  let nothingStored = false;
  void proc.exited.then(async (e) => {
    detect();
    if (revision === undefined && !loading) {
      // The watch may lag behind a record helm wrote just before exiting: ask the storage itself.
      try {
        const history = await deps.releases.listHistory(input.release, input.namespace);
        nothingStored = !history.some((h) => h.revision > input.afterRevision);
      } catch (err) {
        nothingStored = err instanceof ReleaseNotFoundError;
      }
    }
    if (e.signal && !decided && !input.interrupt?.aborted && (await recordedDeployed())) {
      // Killed from outside (the OOM killer, a runner's reaper) after it recorded its revision deployed: helm had
      // done all of its work, hooks and wait included. What is left to judge is the workloads, as after exit 0.
      emit({ type: 'notice', level: 'warn', message: `helm ${input.args[0]} was killed by ${e.signal} after it recorded its revision deployed; judging the rollout as if it had exited`, at: clock.now() });
      e = { ...e, code: 0, signal: null };
    }
    exit = e;
    detect();
    decideNow();
  });
  /** Whether this run's newest stored revision is recorded `deployed` (false when that cannot be read). */
  async function recordedDeployed(): Promise<boolean> {
    try {
      const mine = (await deps.releases.listHistory(input.release, input.namespace)).filter((h) => h.revision > input.afterRevision);
      return mine.length > 0 && mine.reduce((a, b) => (b.revision > a.revision ? b : a)).status === 'deployed';
    } catch {
      return false;
    }
  }
  const onAbort = () => decideNow();
  input.interrupt?.addEventListener('abort', onAbort, { once: true });
  detect();
  if (input.interrupt?.aborted) decideNow();

  let d: Decision;
  let verdictHealthy = false;
  let progress: RolloutProgress | undefined;
  try {
    d = await decision;
    verdictHealthy = monitor.verdict?.state === 'healthy';
    if (monitor.hasWorkloads) progress = monitor.verdict?.progress;
  } finally {
    cancelOverrun();
    cancelStuck?.();
    offStuck();
    offChange();
    offError();
    offVerdict();
    input.interrupt?.removeEventListener('abort', onAbort);
    monitor.stop();
  }

  let stoppedHelm = false;
  if (!exit) {
    stoppedHelm = true;
    proc.terminate();
    const grace = input.terminateGraceMs ?? 30_000;
    let cancelKill: (() => void) | undefined;
    // A timer, not a sleep: it must not keep the process alive once helm has stopped.
    const killed = new Promise<undefined>((resolve) => {
      cancelKill = clock.at(new Date(clock.now().getTime() + grace), () => resolve(undefined));
    });
    const done = await Promise.race([proc.exited, killed]);
    cancelKill?.();
    if (!done) proc.kill();
    exit = await proc.exited;
  }
  // helm may have stored its revision just before it stopped.
  if (revision === undefined) revision = watch.releaseRecords().find((r) => r.revision > input.afterRevision)?.revision;

  return {
    startedAt,
    exit,
    stoppedHelm,
    watchLost,
    nothingStored: nothingStored && revision === undefined,
    ...(helmStuck ? { helmStuck } : {}),
    ...(revision === undefined ? {} : { revision }),
    healthy: d.healthy,
    ...(d.healthy ? { healthyAt: d.at } : { failure: { ...d.failure, detectedAt: d.at } }),
    ...(d.healthy && monitor.verdict?.state === 'healthy' && monitor.verdict.startup ? { startup: monitor.verdict.startup } : {}),
    verdictHealthy,
    ...(progress ? { progress } : {}),
  };
}

/**
 * Starts the per-kind watches for the manifest's kinds without informers of their own (custom resources,
 * claims); a kind that cannot be watched is said once and then not waited for.
 */
export async function watchOtherKinds(
  watch: ClusterWatch,
  workloads: readonly WorkloadRef[],
  warn: (message: string) => void,
): Promise<void> {
  const byKind = new Map<string, ResourceKind>();
  for (const w of workloads) {
    if (!w.generic && w.kind !== 'PersistentVolumeClaim' && w.kind !== 'Service') continue;
    const key = `${w.kind}.${w.apiVersion}`;
    const k = byKind.get(key) ?? { apiVersion: w.apiVersion, kind: w.kind, namespaces: [] };
    byKind.set(key, { ...k, namespaces: [...k.namespaces, w.namespace] });
  }
  if (byKind.size === 0 || !watch.watchResources) return;
  for (const u of await watch.watchResources([...byKind.values()])) {
    warn(`cannot watch ${u.kind} (${u.apiVersion}), so it is not judged: ${u.message}`);
  }
}

function failureOf(v: Extract<Verdict, { state: 'failed' }>): Failure {
  return {
    reason: v.reason,
    object: v.object,
    ...(v.container === undefined ? {} : { container: v.container }),
    message: v.message,
    firstSignalAt: v.firstSignalAt,
    ...(v.firstSignalBasis === undefined ? {} : { firstSignalBasis: v.firstSignalBasis }),
  };
}

function emptyProgress(now: Date) {
  return { workloads: [], pods: [], warnings: [], deadline: now };
}
