/**
 * The watchdog of `helm autorollback upgrade` as a pure state machine: the service feeds it what happened
 * (helm stored a revision, the cluster changed, a timer fired, a process exited) and carries out the effects
 * it returns (stop helm, run the rollback, set a timer, write the ledger, emit events, finish). No I/O, no
 * clock: every input carries its time.
 *
 * Contract with the service:
 * - send `revision-stored` as soon as the new revision's record appears (and, at the latest, before
 *   `helm-exited` with code 0: read the history after helm exits if it was missed);
 * - send `cluster` with the whole current snapshot on every informer change, `timer` when the last
 *   `set-timer` fires (only the latest timer matters);
 * - after `ensure-revision-failed`, make sure the attempted revision's status is `failed` and answer with
 *   `revision-marked-failed` carrying the fresh history;
 * - after `run-rollback`, send `rollback-workloads` (from the target revision's manifest, rollback hooks)
 *   and `rollback-exited`; after `run-uninstall`, `uninstall-exited`.
 */
import type { ExitCodeValue } from '../../errors/exit-codes.js';
import { evaluateRollout } from '../health/evaluate.js';
import { EMPTY_SNAPSHOT, type ClusterSnapshot, type Failure, type HealthOptions, type Verdict } from '../health/types.js';
import type { WorkloadRef } from '../manifest/workload-ref.js';
import { recordVerdict, type LedgerEntry } from '../rollback/ledger.js';
import { afterFailurePlan } from '../rollback/plan.js';
import type { RevisionInfo } from '../rollback/target.js';
import type { UpgradeEvent, WatchPhase } from './events.js';
import { sameProgress, verdictChanged } from './progress.js';
import { buildReport, exitCodeForOutcome, type UpgradeOutcome, type UpgradeReport } from './report.js';

/** Fixed facts of one run. */
export interface WatchdogConfig {
  release: string;
  namespace: string;
  chart: string;
  /** Revision deployed before the upgrade; undefined for a first install. */
  fromRevision?: number;
  helmMajor?: number;
  options: HealthOptions;
  /** `--no-rollback`. */
  noRollback: boolean;
  /** `--keep-failed-install`. */
  keepFailedInstall: boolean;
  /** `--to-revision`. */
  toRevision?: number;
  /** The ledger as read before the run. */
  ledger: readonly LedgerEntry[];
}

/** Where the run is. */
export type WatchdogPhase =
  | 'awaiting-revision'
  | 'watching-upgrade'
  | 'stopping-helm'
  | 'marking-failed'
  | 'rolling-back'
  | 'uninstalling'
  | 'done';

/** The whole state; treat as opaque outside this module (tests read it). */
export interface WatchdogState {
  config: WatchdogConfig;
  phase: WatchdogPhase;
  startedAt: Date;
  attemptedRevision?: number;
  workloads: readonly WorkloadRef[];
  snapshot: ClusterSnapshot;
  helmRunning: boolean;
  verdict?: Verdict;
  timerAt?: Date;
  healthyAt?: Date;
  failure?: Failure & { detectedAt: Date };
  ledger: readonly LedgerEntry[];
  rollback?: {
    action: 'rollback' | 'uninstall';
    toRevision?: number;
    startedAt: Date;
    workloads?: readonly WorkloadRef[];
    running: boolean;
    exitedOk?: boolean;
    newRevision?: number;
    verdict?: Verdict;
    completedAt?: Date;
  };
  report?: UpgradeReport;
}

/** What the service feeds in. */
export type WatchdogInput =
  | { type: 'revision-stored'; revision: number; workloads: readonly WorkloadRef[]; at: Date }
  | { type: 'cluster'; snapshot: ClusterSnapshot; at: Date }
  | { type: 'timer'; at: Date }
  | { type: 'helm-exited'; code: number; message?: string; at: Date }
  | { type: 'revision-marked-failed'; history: readonly RevisionInfo[]; at: Date }
  | { type: 'rollback-workloads'; workloads: readonly WorkloadRef[]; at: Date }
  | { type: 'rollback-exited'; ok: boolean; newRevision?: number; message?: string; at: Date }
  | { type: 'uninstall-exited'; ok: boolean; message?: string; at: Date };

/** What the service must do, in order. */
export type WatchdogEffect =
  | { type: 'emit'; event: UpgradeEvent }
  /** Arm the single recheck timer (replacing any earlier one). */
  | { type: 'set-timer'; at: Date }
  /** SIGTERM the running `helm upgrade`, so helm records the revision as failed. */
  | { type: 'stop-helm' }
  /** Make sure the history records `revision` as failed, then send `revision-marked-failed`. */
  | { type: 'ensure-revision-failed'; revision: number }
  /** Persist the ledger (the whole new list). */
  | { type: 'write-ledger'; entries: LedgerEntry[] }
  | { type: 'run-rollback'; toRevision: number }
  /** SIGTERM a running `helm rollback` whose rollout has failed. */
  | { type: 'stop-rollback' }
  | { type: 'run-uninstall' }
  /** helm failed before a revision existed: nothing changed, nothing to roll back. */
  | { type: 'abort'; message: string }
  | { type: 'finish'; report: UpgradeReport; exitCode: ExitCodeValue };

/** One transition's result. */
export interface WatchdogStep {
  state: WatchdogState;
  effects: WatchdogEffect[];
}

/** The initial state, at the moment helm is launched. */
export function startWatchdog(config: WatchdogConfig, at: Date): WatchdogStep {
  const state: WatchdogState = {
    config,
    phase: 'awaiting-revision',
    startedAt: at,
    workloads: [],
    snapshot: EMPTY_SNAPSHOT,
    helmRunning: true,
    ledger: config.ledger,
  };
  const started: UpgradeEvent = {
    type: 'started',
    release: config.release,
    namespace: config.namespace,
    chart: config.chart,
    ...(config.fromRevision !== undefined ? { fromRevision: config.fromRevision } : {}),
    ...(config.helmMajor !== undefined ? { helmMajor: config.helmMajor } : {}),
    at,
  };
  return { state, effects: [{ type: 'emit', event: started }] };
}

/** Feeds one input; returns the next state and the effects to carry out. Inputs after `done` are ignored. */
export function stepWatchdog(state: WatchdogState, input: WatchdogInput): WatchdogStep {
  if (state.phase === 'done') return { state, effects: [] };
  const out: WatchdogEffect[] = [];
  let s: WatchdogState = input.type === 'cluster' ? { ...state, snapshot: input.snapshot } : state;

  switch (input.type) {
    case 'revision-stored':
      if (s.attemptedRevision !== undefined) return { state: s, effects: [] };
      s = { ...s, attemptedRevision: input.revision, workloads: input.workloads };
      out.push({ type: 'emit', event: { type: 'revision-detected', revision: input.revision, workloads: input.workloads.length, at: input.at } });
      if (s.phase === 'awaiting-revision') s = { ...s, phase: 'watching-upgrade' };
      return evaluateUpgrade(s, input.at, out);

    case 'cluster':
    case 'timer':
      if (s.phase === 'watching-upgrade') return evaluateUpgrade(s, input.at, out);
      if (s.phase === 'rolling-back') return evaluateRollback(s, input.at, out);
      return { state: s, effects: out };

    case 'helm-exited':
      return helmExited(s, input, out);

    case 'revision-marked-failed':
      if (s.phase !== 'marking-failed') return { state: s, effects: out };
      return plan(s, input.history, input.at, out);

    case 'rollback-workloads':
      if (s.phase !== 'rolling-back' || !s.rollback) return { state: s, effects: out };
      s = { ...s, rollback: { ...s.rollback, workloads: input.workloads } };
      return evaluateRollback(s, input.at, out);

    case 'rollback-exited': {
      if (s.phase !== 'rolling-back' || !s.rollback) return { state: s, effects: out };
      s = {
        ...s,
        rollback: {
          ...s.rollback,
          running: false,
          exitedOk: input.ok,
          ...(input.newRevision !== undefined ? { newRevision: input.newRevision } : {}),
        },
      };
      out.push({
        type: 'emit',
        event: {
          type: 'rollback-finished',
          ok: input.ok,
          ...(input.newRevision !== undefined ? { newRevision: input.newRevision } : {}),
          ...(input.message ? { message: input.message } : {}),
          at: input.at,
        },
      });
      if (!input.ok) return finish(s, 'rollback-failed', input.at, out);
      return evaluateRollback(s, input.at, out);
    }

    case 'uninstall-exited': {
      if (s.phase !== 'uninstalling' || !s.rollback) return { state: s, effects: out };
      s = { ...s, rollback: { ...s.rollback, running: false, exitedOk: input.ok, ...(input.ok ? { completedAt: input.at } : {}) } };
      out.push({ type: 'emit', event: { type: 'rollback-finished', ok: input.ok, ...(input.message ? { message: input.message } : {}), at: input.at } });
      return finish(s, input.ok ? 'rolled-back' : 'rollback-failed', input.at, out);
    }
  }
}

/** Evaluates the upgrade's rollout and reacts to its verdict. */
function evaluateUpgrade(state: WatchdogState, at: Date, out: WatchdogEffect[]): WatchdogStep {
  const { verdict, state: s } = judge(state, state.workloads, state.startedAt, 'upgrade', state.verdict, at, out);
  let next: WatchdogState = { ...s, verdict };
  if (verdict.state === 'failed') return failed(next, verdict, at, out);
  if (verdict.state === 'healthy') {
    next = { ...next, healthyAt: next.healthyAt ?? at };
    // helm --wait exits only after its own wait and the post-upgrade hooks; the release is ours once it did.
    if (!next.helmRunning) return finishHealthy(next, at, out);
  } else {
    const { healthyAt: _dropped, ...rest } = next;
    next = rest;
  }
  return { state: next, effects: out };
}

/** Shared by both phases: evaluate, emit progress/verdict changes, arm the recheck timer. */
function judge(
  state: WatchdogState,
  workloads: readonly WorkloadRef[],
  startedAt: Date,
  phase: WatchPhase,
  previous: Verdict | undefined,
  at: Date,
  out: WatchdogEffect[],
): { verdict: Verdict; state: WatchdogState } {
  const verdict = evaluateRollout({ workloads, snapshot: state.snapshot, options: state.config.options, now: at, startedAt });
  if (!previous || !sameProgress(previous.progress, verdict.progress)) {
    out.push({ type: 'emit', event: { type: 'progress', phase, snapshot: verdict.progress, at } });
  }
  if (verdictChanged(previous, verdict)) out.push({ type: 'emit', event: { type: 'verdict', phase, verdict, at } });
  let s = state;
  if (verdict.state === 'progressing' && verdict.recheckAt && verdict.recheckAt.getTime() !== s.timerAt?.getTime()) {
    out.push({ type: 'set-timer', at: verdict.recheckAt });
    s = { ...s, timerAt: verdict.recheckAt };
  }
  return { verdict, state: s };
}

/** The upgrade failed: remember it, record it, and make helm record it. */
function failed(state: WatchdogState, failure: Failure, at: Date, out: WatchdogEffect[]): WatchdogStep {
  const detected: Failure & { detectedAt: Date } = {
    reason: failure.reason,
    object: failure.object,
    ...(failure.container !== undefined ? { container: failure.container } : {}),
    message: failure.message,
    firstSignalAt: failure.firstSignalAt,
    detectedAt: at,
  };
  let s: WatchdogState = { ...state, failure: detected };
  if (s.attemptedRevision !== undefined) {
    const ledger = recordVerdict(s.ledger, {
      revision: s.attemptedRevision,
      verdict: 'failed',
      reason: failure.reason,
      decidedAt: at,
      ttdMs: Math.max(0, at.getTime() - failure.firstSignalAt.getTime()),
    });
    s = { ...s, ledger };
    out.push({ type: 'write-ledger', entries: ledger });
  }
  if (s.helmRunning) {
    out.push({ type: 'stop-helm' });
    return { state: { ...s, phase: 'stopping-helm' }, effects: out };
  }
  return markFailed(s, out);
}

function markFailed(state: WatchdogState, out: WatchdogEffect[]): WatchdogStep {
  if (state.attemptedRevision === undefined) {
    out.push({ type: 'abort', message: 'helm failed before it stored a new revision; nothing was changed' });
    return { state: { ...state, phase: 'done' }, effects: out };
  }
  out.push({ type: 'ensure-revision-failed', revision: state.attemptedRevision });
  return { state: { ...state, phase: 'marking-failed' }, effects: out };
}

function helmExited(state: WatchdogState, input: Extract<WatchdogInput, { type: 'helm-exited' }>, out: WatchdogEffect[]): WatchdogStep {
  const s: WatchdogState = { ...state, helmRunning: false };
  const helmMessage = input.message?.trim() || `helm exited with code ${input.code}`;
  switch (s.phase) {
    case 'awaiting-revision':
      out.push({ type: 'abort', message: input.code === 0 ? 'helm finished but no new revision was seen' : helmMessage });
      return { state: { ...s, phase: 'done' }, effects: out };
    case 'stopping-helm':
      return markFailed(s, out);
    case 'watching-upgrade': {
      if (input.code === 0) {
        if (s.verdict?.state === 'healthy') return finishHealthy(s, input.at, out);
        // helm's own wait is laxer than ours (helm 3 counts maxUnavailable): keep watching.
        return { state: s, effects: out };
      }
      // helm gave up (and recorded the revision as failed): the cluster may say why; if it shows nothing
      // wrong, helm's own message is the reason. Either way the revision is not healthy.
      const { verdict, state: judged } = judge(s, s.workloads, s.startedAt, 'upgrade', s.verdict, input.at, out);
      if (verdict.state === 'failed') return failed({ ...judged, verdict }, verdict, input.at, out);
      const helmFailure: Verdict = {
        state: 'failed',
        progress: verdict.progress,
        reason: 'HelmFailed',
        object: `Release/${s.config.release}`,
        message: helmMessage,
        firstSignalAt: input.at,
      };
      out.push({ type: 'emit', event: { type: 'verdict', phase: 'upgrade', verdict: helmFailure, at: input.at } });
      return failed({ ...judged, verdict: helmFailure }, helmFailure, input.at, out);
    }
    default:
      return { state: s, effects: out };
  }
}

/** After the failed revision is recorded as failed: roll back, uninstall, or only report. */
function plan(state: WatchdogState, history: readonly RevisionInfo[], at: Date, out: WatchdogEffect[]): WatchdogStep {
  const revision = state.attemptedRevision as number;
  out.push({ type: 'emit', event: { type: 'revision-marked-failed', revision, at } });
  const p = afterFailurePlan({
    history,
    attemptedRevision: revision,
    ledger: state.ledger,
    ...(state.config.toRevision !== undefined ? { override: state.config.toRevision } : {}),
    noRollback: state.config.noRollback,
    keepFailedInstall: state.config.keepFailedInstall,
  });
  switch (p.action) {
    case 'rollback': {
      if (p.warning) out.push({ type: 'emit', event: { type: 'notice', level: 'warn', message: p.warning, at } });
      out.push({ type: 'emit', event: { type: 'rollback-started', toRevision: p.toRevision, at } });
      out.push({ type: 'run-rollback', toRevision: p.toRevision });
      return {
        state: { ...state, phase: 'rolling-back', rollback: { action: 'rollback', toRevision: p.toRevision, startedAt: at, running: true } },
        effects: out,
      };
    }
    case 'uninstall':
      out.push({ type: 'emit', event: { type: 'notice', level: 'info', message: p.message, at } });
      out.push({ type: 'emit', event: { type: 'uninstall-started', at } });
      out.push({ type: 'run-uninstall' });
      return { state: { ...state, phase: 'uninstalling', rollback: { action: 'uninstall', startedAt: at, running: true } }, effects: out };
    case 'report-only':
      out.push({ type: 'emit', event: { type: 'notice', level: p.why === 'no-target' ? 'warn' : 'info', message: p.message, at } });
      return finish(state, p.outcome, at, out);
  }
}

/** Watches the rollback's own rollout with the same rules. */
function evaluateRollback(state: WatchdogState, at: Date, out: WatchdogEffect[]): WatchdogStep {
  const rb = state.rollback;
  if (!rb?.workloads) return { state, effects: out };
  const { verdict, state: s } = judge(state, rb.workloads, rb.startedAt, 'rollback', rb.verdict, at, out);
  let next: WatchdogState = { ...s, rollback: { ...rb, verdict } };
  if (verdict.state === 'failed') {
    if (rb.newRevision !== undefined) {
      const ledger = recordVerdict(next.ledger, { revision: rb.newRevision, verdict: 'failed', reason: verdict.reason, decidedAt: at });
      next = { ...next, ledger };
      out.push({ type: 'write-ledger', entries: ledger });
    }
    if (rb.running) out.push({ type: 'stop-rollback' });
    return finish(next, 'rollback-failed', at, out);
  }
  if (verdict.state === 'healthy' && rb.exitedOk) {
    next = { ...next, rollback: { ...(next.rollback as NonNullable<WatchdogState['rollback']>), completedAt: at } };
    if (rb.newRevision !== undefined) {
      const ledger = recordVerdict(next.ledger, { revision: rb.newRevision, verdict: 'healthy', decidedAt: at });
      next = { ...next, ledger };
      out.push({ type: 'write-ledger', entries: ledger });
    }
    return finish(next, 'rolled-back', at, out);
  }
  return { state: next, effects: out };
}

function finishHealthy(state: WatchdogState, at: Date, out: WatchdogEffect[]): WatchdogStep {
  let s = state;
  if (s.attemptedRevision !== undefined) {
    const ledger = recordVerdict(s.ledger, { revision: s.attemptedRevision, verdict: 'healthy', decidedAt: at });
    s = { ...s, ledger };
    out.push({ type: 'write-ledger', entries: ledger });
  }
  return finish(s, 'healthy', at, out);
}

function finish(state: WatchdogState, outcome: UpgradeOutcome, at: Date, out: WatchdogEffect[]): WatchdogStep {
  const rb = state.rollback;
  const report = buildReport({
    release: state.config.release,
    namespace: state.config.namespace,
    ...(state.config.fromRevision !== undefined ? { fromRevision: state.config.fromRevision } : {}),
    ...(state.attemptedRevision !== undefined ? { attemptedRevision: state.attemptedRevision } : {}),
    outcome,
    startedAt: state.startedAt,
    ...(state.healthyAt ? { healthyAt: state.healthyAt } : {}),
    ...(state.failure ? { failure: state.failure } : {}),
    ...(rb
      ? {
          rollback: {
            ...(rb.toRevision !== undefined ? { toRevision: rb.toRevision } : {}),
            ...(rb.newRevision !== undefined ? { newRevision: rb.newRevision } : {}),
            startedAt: rb.startedAt,
            ...(rb.completedAt ? { completedAt: rb.completedAt } : {}),
          },
        }
      : {}),
  });
  out.push({ type: 'emit', event: { type: 'finished', report, at } });
  out.push({ type: 'finish', report, exitCode: exitCodeForOutcome(outcome) });
  return { state: { ...state, phase: 'done', report }, effects: out };
}
