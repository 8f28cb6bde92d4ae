import type { Failure, HealthOptions } from '../domain/health/types.js';
import type { RevisionSummary } from '../domain/release/release.js';
import { validateReleaseName } from '../domain/release-name.js';
import { checkPendingState } from '../domain/rollback/pending.js';
import { holdBack } from '../domain/rollback/hold-back.js';
import type { MigrationPolicy } from '../domain/guards/index.js';
import { afterFailurePlan } from '../domain/rollback/plan.js';
import { objectName } from '../domain/manifest/workload-ref.js';
import { sharedPodSelectors } from '../domain/manifest/pod-selector.js';
import { releaseWorkloads, workloadsFromManifest } from '../domain/manifest/workloads.js';
import { chooseRollbackTarget } from '../domain/rollback/target.js';
import { learnedStartupMs, type LedgerEntry } from '../domain/rollback/ledger.js';
import { formatDuration } from '../domain/health/kube-util.js';
import { describeFailure, type UpgradeEvent } from '../domain/upgrade/events.js';
import { buildReport, type ReportInput, type UpgradeReport } from '../domain/upgrade/report.js';
import { UsageError } from '../errors/errors.js';
import { helmRefusalHint } from '../helm/refusal-hint.js';
import { goDuration, helmTimeoutMs } from '../helm/upgrade-args.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterWatch } from '../ports/cluster-watch.js';
import type { HelmRunner } from '../ports/helm-runner.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import type { PodDeleter } from '../ports/pod-deleter.js';
import type { ReleaseMarker } from '../ports/release-marker.js';
import { ReleaseNotFoundError, type ReleaseStore } from '../ports/release-store.js';
import { rollbackAndJudge } from './rollback-and-judge.js';
import { recoverPending, rollbackRequest, uninstall } from './upgrade-recovery.js';
import type { UpgradeInterrupt } from './upgrade-interrupt.js';
import { guardAutomaticRollback } from './upgrade-guards.js';
import { HELM_WATCHER_STUCK_MS, isTransientHelmFailure, superviseHelmRetrying, usesStatusWatcher } from './upgrade-supervise.js';

/** The ports `upgrade` works through; the command builds the real ones, tests pass fakes. */
export interface UpgradeDeps {
  helm: HelmRunner;
  /** A watch over the release's namespace, not started yet (upgrade starts and stops it). */
  watch: ClusterWatch;
  releases: ReleaseStore;
  ledger: LedgerStore;
  clock: Clock;
  /** Receives every UpgradeEvent, in order. */
  emit: (event: UpgradeEvent) => void;
  /** Records a revision as failed in helm's storage when helm itself did not (its --wait was satisfied first). */
  marker?: ReleaseMarker;
  /** Deletes pods for the forced StatefulSet rollback; none: no forced rollback. */
  pods?: PodDeleter;
}

/** What to upgrade and how; the command fills it from flags. */
export interface UpgradeRequest {
  release: string;
  /** Chart reference as the user gave it (path, repo/name, oci://...). */
  chart: string;
  namespace: string;
  /** helm flags passed through unchanged to `helm upgrade --install` (values, --set, --version...). */
  helmArgs: readonly string[];
  /** Flags every helm call needs to reach the cluster (e.g. `--kube-context X`, `--kubeconfig F`). */
  helmGlobalArgs: readonly string[];
  /** Extra environment for helm (e.g. HELM_DRIVER). */
  helmEnv?: Readonly<Record<string, string>>;
  health: HealthOptions;
  /** `--to-revision`. */
  toRevision?: number;
  noRollback: boolean;
  keepFailedInstall: boolean;
  recoverPending: boolean;
  /**
   * `--migration-policy` (default warn): with `block`, a failed upgrade whose rollback would cross a migration
   * hook that already ran is not rolled back (exit 4, with the manual command).
   */
  migrationPolicy?: MigrationPolicy;
  /** How long helm gets to stop after SIGTERM (default 30 s). */
  terminateGraceMs?: number;
  /** The forced StatefulSet rollback on a failed upgrade (default true; `--no-force-statefulset-rollback`). */
  forceStatefulSetRollback?: boolean;
  /**
   * Ctrl-C / SIGTERM from the command. Its first abort while helm upgrades stops helm (the revision is recorded
   * failed) and rolls back with reason `Interrupted`; during the rollback it is only noted. The service keeps
   * it told where the run is, for the one-line message of a second interrupt.
   */
  interrupt?: UpgradeInterrupt;
}

/**
 * `helm autorollback upgrade`: checks the release can be upgraded, runs `helm upgrade --install --wait` while
 * judging the rollout from its first signal, and on failure makes helm record the revision as failed, then
 * rolls back to the last known good revision (or uninstalls a failed first install) and judges that rollout
 * too. Returns the final report (also emitted as `finished`). Bad input throws a UsageError before anything
 * in the cluster changes.
 */
export async function upgrade(deps: UpgradeDeps, req: UpgradeRequest): Promise<UpgradeReport> {
  validateReleaseName(req.release);
  // Which helm this is (and whether it can be used at all) is known before anything else runs.
  const helmMajor = await deps.helm.majorVersion();
  // The verdict covers what this helm's --wait covers: helm 3 (and helm 4's --wait=legacy) wait for LoadBalancer addresses.
  req = { ...req, health: { ...req.health, waitForLoadBalancers: req.health.waitForLoadBalancers ?? (helmMajor === 3 || req.helmArgs.includes('--wait=legacy')) } };
  const interrupt = req.interrupt;
  interrupt?.begin({ release: req.release, namespace: req.namespace, helmGlobalArgs: req.helmGlobalArgs });
  interrupt?.report({ phase: 'preparing' });
  const { clock } = deps;
  let upgrading = false;
  // The handle learns the attempted revision as soon as it is known, not only when helm returns.
  const emitOut = deps.emit;
  const emit = (event: UpgradeEvent) => {
    if (upgrading && event.type === 'revision-detected') interrupt?.report({ attemptedRevision: event.revision });
    emitOut(event);
  };
  deps = { ...deps, emit };
  const notice = (level: 'info' | 'warn', message: string) => emit({ type: 'notice', level, message, at: clock.now() });

  let history = await readHistory(deps.releases, req);
  const ledgerRead = await deps.ledger.read(req.release, req.namespace);
  let ledger = ledgerRead.entries;
  for (const w of ledgerRead.warnings) notice('warn', w);

  const pending = checkPendingState(history, { release: req.release, namespace: req.namespace, ledger, extraArgs: req.helmGlobalArgs });
  if (!pending.ok && !req.recoverPending) throw new UsageError(pending.message);
  const latest = (h: readonly RevisionSummary[]) => h.reduce((m, r) => Math.max(m, r.revision), 0);
  if (req.toRevision !== undefined) {
    const check = chooseRollbackTarget({ history, attemptedRevision: latest(history) + 1, ledger, override: req.toRevision });
    if ('none' in check) throw new UsageError(check.none);
  }

  const onInterrupt = () => {
    const phase = interrupt?.current.phase;
    if (phase === 'upgrade') notice('warn', `interrupted (${interrupt?.reason}): stopping helm, then rolling back; interrupt again to abandon (exits at once)`);
    else if (phase === 'preparing') notice('warn', `interrupted (${interrupt?.reason}): the upgrade will not start${req.recoverPending ? ' (a running --recover-pending rollback finishes first)' : ''}; interrupt again to exit at once`);
    else if (phase === 'rollback' || phase === 'uninstall') notice('warn', `interrupted (${interrupt?.reason}): the ${phase} continues; interrupt again to abandon it (exits at once)`);
  };
  interrupt?.signal.addEventListener('abort', onInterrupt, { once: true });
  await narrowPodsToDeployed(deps, req, history);
  await deps.watch.start();
  try {
    if (!pending.ok) {
      notice('warn', `${pending.message.split(';')[0]}; recovering because of --recover-pending`);
      const recovered = await recoverPending(deps, req, pending.recoverTo, latest(history));
      if (!recovered.ok) throw new UsageError(`--recover-pending failed: ${recovered.message}`, { hint: `try: ${pending.recoveryCommand}` });
      history = await readHistory(deps.releases, req);
    }
    const fromRevision = [...history].reverse().find((h) => h.status === 'deployed')?.revision;
    const firstInstall = history.length === 0;
    const base = { release: req.release, namespace: req.namespace, ...(fromRevision === undefined ? {} : { fromRevision }) };
    if (interrupt?.interrupted) {
      const what = pending.ok ? 'nothing was changed' : 'only the --recover-pending rollback ran';
      throw new UsageError(`interrupted (${interrupt.reason}) before the upgrade started; ${what}`);
    }
    const planned = chooseRollbackTarget({ history, attemptedRevision: latest(history) + 1, ledger, ...(req.toRevision === undefined ? {} : { override: req.toRevision }) });
    interrupt?.report({ phase: 'upgrade', ...('revision' in planned ? { target: planned.revision } : {}) });
    emit({ type: 'started', ...base, chart: req.chart, helmMajor, at: clock.now() });
    upgrading = true;
    let before = latest(history);
    const health = withLearnedGraces(req.health, ledger, (text) => notice('info', text));
    const helmRun = (after: number) =>
      superviseHelmRetrying(deps, {
        release: req.release,
        namespace: req.namespace,
        args: [
          'upgrade', '--install', req.release, req.chart, ...req.helmArgs,
          '--namespace', req.namespace, ...req.helmGlobalArgs,
          '--wait', '--timeout', goDuration(helmTimeoutMs(req.health.timeoutMs)),
        ],
        env: req.helmEnv,
        phase: 'upgrade',
        action: firstInstall && after === 0 ? 'install' : 'upgrade',
        afterRevision: after,
        ...(after > 0 ? { previousRevision: after } : {}),
        health,
        terminateGraceMs: req.terminateGraceMs,
        ...(interrupt ? { interrupt: interrupt.signal } : {}),
        ...(usesStatusWatcher(helmMajor, req.helmArgs) ? { watcherStuckAfterMs: HELM_WATCHER_STUCK_MS } : {}),
      });

    const firstRun = await helmRun(before);
    let run = firstRun;
    // helm gave up on an API server that was briefly unavailable (a restart, a 5xx burst) after it stored its
    // revision and recorded it failed, while the workloads showed no failure: that says nothing about the chart,
    // so the upgrade runs again (once more at most) instead of being rolled back or left failed.
    for (let again = 0; again < 2 && !firstInstall && !run.healthy && !run.nothingStored && !interrupt?.interrupted; again++) {
      const message = run.failure?.reason === 'HelmFailed' ? run.failure.message : undefined;
      if (message === undefined || !(run.helmStuck || isTransientHelmFailure(message))) break;
      const stored = run.revision ?? (await readHistory(deps.releases, req)).find((h) => h.revision > before)?.revision;
      const status = stored === undefined ? undefined : (await readHistory(deps.releases, req)).find((h) => h.revision === stored)?.status;
      // helm may not even have reached the API server to record the revision failed: with helm gone, nothing runs
      // on the release, so the plugin records it failed itself (as before a rollback) and upgrades again.
      const stuck = status === 'pending-upgrade' && deps.marker !== undefined;
      if (stored === undefined || (status !== 'failed' && !stuck)) break;
      if (stuck) {
        try {
          await deps.marker!.markFailed(req.release, req.namespace, stored, `Upgrade "${req.release}" failed: autorollback: helm lost the API server: ${message}`);
        } catch {
          break;
        }
      }
      const cause = run.helmStuck ? 'helm kept waiting on a healthy rollout' : 'helm gave up on an API server that was briefly unavailable';
      notice('warn', `${message}: ${cause} after storing revision ${stored} (${stuck ? 'left pending-upgrade, now recorded failed' : 'recorded failed'}; its workloads showed no failure); running the upgrade again`);
      before = stored;
      run = await helmRun(stored);
    }
    upgrading = false;
    let attempted = run.revision;
    if (attempted === undefined && !run.healthy) {
      // The watch may lag behind a revision helm stored just before it stopped: ask the storage itself.
      attempted = (await readHistory(deps.releases, req)).find((h) => h.revision > before)?.revision;
    }
    if (attempted !== undefined) interrupt?.report({ attemptedRevision: attempted });
    const reportBase: Omit<ReportInput, 'outcome'> = {
      ...base,
      ...(attempted === undefined ? {} : { attemptedRevision: attempted }),
      startedAt: firstRun.startedAt,
    };
    const finish = (input: ReportInput): UpgradeReport => {
      interrupt?.report({ phase: 'done' });
      const report = buildReport(input);
      emit({ type: 'finished', report, at: clock.now() });
      return report;
    };

    if (run.healthy) {
      if (attempted !== undefined) {
        const startup = run.startup && Object.keys(run.startup).length > 0 ? { startup: run.startup } : {};
        ledger = await record(deps, req, ledger, { revision: attempted, verdict: 'healthy', decidedAt: run.healthyAt ?? clock.now(), ...startup }, notice);
      }
      return finish({ ...reportBase, outcome: 'healthy', ...(run.healthyAt ? { healthyAt: run.healthyAt } : {}) });
    }
    const failure = run.failure as Failure & { detectedAt: Date };
    if (attempted === undefined) {
      if (failure.reason === 'HelmFailed') {
        // helm refused before storing anything (bad chart, bad values, unreachable repository): bad input.
        throw new UsageError(`${failure.message}; nothing was changed (helm stored no new revision)`, helmRefusalHint(failure.message, req.helmArgs));
      }
      notice('warn', failure.reason === 'Interrupted' ? 'interrupted before helm stored a new revision; nothing was changed' : 'helm stored no new revision; nothing to roll back');
      return finish({ ...reportBase, outcome: 'failed-no-rollback', notRolledBack: 'nothing-stored', failure });
    }
    ledger = await record(
      deps, req, ledger,
      { revision: attempted, verdict: 'failed', reason: failure.reason, decidedAt: failure.detectedAt, ttdMs: Math.max(0, failure.detectedAt.getTime() - failure.firstSignalAt.getTime()) },
      notice,
    );
    history = await readHistory(deps.releases, req);
    const status = history.find((h) => h.revision === attempted)?.status;
    if (status === 'failed') emit({ type: 'revision-marked-failed', revision: attempted, at: clock.now() });
    else notice('info', `helm left revision ${attempted} as ${status ?? 'missing'} (${status?.startsWith('pending-') ? 'it stopped mid-operation' : 'its wait ended before the failure showed'}); it is recorded as failed in the ledger${deps.marker ? ' and, after the rollback, in helm\'s history' : ''}`);

    const plan = afterFailurePlan({
      history,
      attemptedRevision: attempted,
      ledger,
      ...(req.toRevision === undefined ? {} : { override: req.toRevision }),
      noRollback: req.noRollback,
      keepFailedInstall: req.keepFailedInstall,
    });
    if (plan.action === 'report-only') {
      notice(plan.outcome === 'rollback-failed' ? 'warn' : 'info', plan.message);
      const why = plan.why === 'no-rollback' ? 'disabled' : plan.why === 'keep-failed-install' ? 'kept' : undefined;
      return finish({ ...reportBase, outcome: plan.outcome, ...(why ? { notRolledBack: why } : {}), failure });
    }
    // Failures that are not the workloads' health: say so, and do not undo what a recovery cannot fix.
    const held = holdBack({
      release: req.release,
      namespace: req.namespace,
      attemptedRevision: attempted,
      failure,
      verdictHealthy: run.verdictHealthy,
      ...(run.progress ? { progress: run.progress } : {}),
      plan: plan.action === 'rollback' ? { action: 'rollback', toRevision: plan.toRevision } : { action: 'uninstall' },
      targetLoadBalancers: plan.action === 'rollback' ? await loadBalancersOf(deps.releases, req, plan.toRevision) : [],
    });
    if (held.message) notice(held.hold ? 'warn' : 'info', held.message);
    if (held.hold) return finish({ ...reportBase, outcome: 'failed-no-rollback', notRolledBack: 'would-not-help', failure, ...(held.reason ? { noRollbackReason: held.reason } : {}) });
    if (plan.action === 'uninstall') {
      interrupt?.report({ phase: 'uninstall', target: undefined });
      notice('info', plan.message);
      const u = await uninstall(deps, req);
      return finish({
        ...reportBase,
        outcome: u.ok ? 'rolled-back' : 'rollback-failed',
        failure,
        rollback: { startedAt: u.startedAt, ...(u.ok ? { completedAt: u.completedAt } : {}) },
      });
    }
    if (plan.warning) notice('warn', plan.warning);
    const guards = await guardAutomaticRollback(deps, req, { toRevision: plan.toRevision, attemptedRevision: attempted, revisions: history.map((h) => h.revision), ledger });
    const blocked = guards.find((g) => g.severity === 'block');
    if (blocked) {
      const manual = `helm autorollback rollback ${req.release} ${plan.toRevision} -n ${req.namespace}${req.helmGlobalArgs.length ? ` ${req.helmGlobalArgs.join(' ')}` : ''} --migration-policy warn`;
      notice('warn', `not rolling back (--migration-policy block): ${blocked.message}; once checked, roll back by hand: ${manual}`);
      return finish({ ...reportBase, outcome: 'failed-no-rollback', notRolledBack: 'blocked', failure, guards, blocked: { guard: blocked.guard, message: blocked.message, command: manual } });
    }
    interrupt?.report({ phase: 'rollback', target: plan.toRevision });
    const rb = await rollbackAndJudge(deps, rollbackRequest(req, plan.toRevision, latest(history)));
    if (status !== 'failed' && deps.marker) {
      // After the rollback helm calls it superseded; say what it was, in helm's own words for a failed upgrade.
      try {
        await deps.marker.markFailed(req.release, req.namespace, attempted, `Upgrade "${req.release}" failed: autorollback: ${describeFailure(failure)}: ${failure.message}`);
        emit({ type: 'revision-marked-failed', revision: attempted, at: clock.now() });
      } catch (err) {
        notice('warn', `could not record revision ${attempted} as failed in helm's history: ${(err as Error).message}`);
      }
    }
    return finish({
      ...reportBase,
      outcome: rb.ok ? 'rolled-back' : 'rollback-failed',
      failure,
      guards,
      rollback: {
        toRevision: plan.toRevision,
        ...(rb.newRevision === undefined ? {} : { newRevision: rb.newRevision }),
        startedAt: rb.startedAt,
        ...(rb.ok && rb.completedAt ? { completedAt: rb.completedAt } : {}),
      },
    });
  } finally {
    interrupt?.signal.removeEventListener('abort', onInterrupt);
    deps.watch.stop();
  }
}

/** `Service/name` of the LoadBalancer Services in a revision's manifest (none when it cannot be read). */
async function loadBalancersOf(releases: ReleaseStore, req: Pick<UpgradeRequest, 'release' | 'namespace'>, revision: number): Promise<string[]> {
  try {
    const rel = await releases.getRevision(req.release, req.namespace, revision);
    return workloadsFromManifest(rel.manifest, req.namespace).filter((w) => w.kind === 'Service').map((w) => objectName(w));
  } catch {
    return [];
  }
}

/** The release's history, empty when the release does not exist yet. */
async function readHistory(releases: ReleaseStore, req: Pick<UpgradeRequest, 'release' | 'namespace'>): Promise<RevisionSummary[]> {
  try {
    return await releases.listHistory(req.release, req.namespace);
  } catch (err) {
    if (err instanceof ReleaseNotFoundError) return [];
    throw err;
  }
}

/**
 * The health options with the start-up times the ledger learned from the release's healthy revisions (unless
 * `--unready-grace` was given), said in one line when there are any.
 */
export function withLearnedGraces(health: HealthOptions, ledger: readonly LedgerEntry[], say: (text: string) => void): HealthOptions {
  if (health.unreadyGraceExplicit) return health;
  const learned = learnedStartupMs(ledger);
  const keys = Object.keys(learned);
  if (keys.length === 0) return health;
  const shown = keys.slice(0, 3).map((k) => `${k.replace(/^([^/]+)\/[^/]+\//, '$1/')} ${formatDuration(learned[k] as number)}`);
  say(`learned start-up times from the ledger: ${shown.join(', ')}${keys.length > 3 ? ` and ${keys.length - 3} more` : ''} (unready grace: 2x, at least 5s)`);
  return { ...health, learnedStartupMs: learned };
}

/** Writes a verdict to the ledger; a ledger that cannot be written is a warning, never a failed upgrade. */
async function record(
  deps: Pick<UpgradeDeps, 'ledger'>,
  req: Pick<UpgradeRequest, 'release' | 'namespace'>,
  ledger: LedgerEntry[],
  entry: LedgerEntry,
  notice: (level: 'warn', message: string) => void,
): Promise<LedgerEntry[]> {
  try {
    await deps.ledger.record(req.release, req.namespace, entry);
  } catch (err) {
    notice('warn', `could not record revision ${entry.revision} in the autorollback ledger: ${(err as Error).message}`);
  }
  return [...ledger.filter((e) => e.revision !== entry.revision), entry];
}

/**
 * Before the watch starts: its pods narrowed to the labels the deployed revision's pod templates share, so a
 * namespace full of other workloads' pods is never listed whole (the new revision's own labels are applied
 * once helm stores it). Best effort: without a deployed revision, or when it cannot be read, the watch
 * starts on the whole namespace.
 */
async function narrowPodsToDeployed(deps: UpgradeDeps, req: UpgradeRequest, history: readonly RevisionSummary[]): Promise<void> {
  const watch = deps.watch;
  const deployed = [...history].reverse().find((h) => h.status === 'deployed')?.revision;
  if (!watch.selectPods || deployed === undefined) return;
  const release = await deps.releases.getRevision(req.release, req.namespace, deployed).catch(() => undefined);
  if (!release) return;
  const selector = sharedPodSelectors(releaseWorkloads(release, 'upgrade', req.namespace)).get(req.namespace);
  if (selector) await watch.selectPods(req.namespace, selector);
}
