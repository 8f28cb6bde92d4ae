// The UI state of `helm autorollback upgrade`: a pure reducer over UpgradeEvent. Both renderers use it: the Ink
// view draws the state and prints its finished log lines once (<Static>); the plain CI logger prints every new
// log line. Kept free of ink/react so the plain path never loads them.
import { describeFailure, type UpgradeEvent, type WatchPhase } from '../../domain/upgrade/events.js';
import type { UpgradeReport } from '../../domain/upgrade/report.js';
import { formatElapsed } from '../time-format.js';
import type {
  FailureReason,
  PodProgress,
  RolloutProgress,
  WarningEvent,
  WorkloadProgress,
} from '../../domain/health/types.js';

/** How a log line should stand out (colour in a terminal, nothing in a plain log). */
export type LogLevel = 'info' | 'success' | 'warn' | 'error';

/** One finished line of the run's log: printed once, never redrawn. */
export interface LogEntry {
  /** Position in the log, from 0; stable, so views can use it as a key. */
  id: number;
  at: Date;
  level: LogLevel;
  /**
   * True for rollout details (a workload's counts, a pod's reason or restarts, a new Warning event): the plain
   * log prints them, the live view draws them live instead.
   */
  detail: boolean;
  text: string;
}

/** A failed or healthy verdict as the view shows it. */
export interface VerdictView {
  state: 'healthy' | 'failed';
  at: Date;
  reason?: FailureReason;
  object?: string;
  container?: string;
  message?: string;
  firstSignalAt?: Date;
}

/** What has been logged about one rollout, so that only changes make new lines. */
interface LoggedKeys {
  workloads: Readonly<Record<string, string>>;
  pods: Readonly<Record<string, string>>;
  warnings: readonly string[];
}

/** One watched rollout: the upgrade's or the rollback's. */
export interface RolloutView {
  progress?: RolloutProgress;
  verdict?: VerdictView;
  logged: LoggedKeys;
}

/** The rollback (or the uninstall of a failed first install) and its outcome. */
export interface RollbackView extends RolloutView {
  kind?: 'rollback' | 'uninstall';
  toRevision?: number;
  startedAt?: Date;
  finishedAt?: Date;
  /** Result of the helm command itself; the rollout's verdict is in `verdict`. */
  ok?: boolean;
  newRevision?: number;
  message?: string;
}

/** Everything the views draw. Built only by {@link reduceUpgradeEvent}; never mutated. */
export interface UpgradeViewState {
  /** `rollback` when the run is a rollback asked for by hand (no upgrade); default an upgrade. */
  mode?: 'upgrade' | 'rollback';
  release?: string;
  namespace?: string;
  chart?: string;
  fromRevision?: number;
  helmMajor?: number;
  /** Time of the run's first event: every relative time (`00:03.2`) counts from here. */
  originAt?: Date;
  /** When the upgrade itself started (the `started` event; a --recover-pending rollback may come first). */
  startedAt?: Date;
  /** The revision helm created for this upgrade. */
  revision?: number;
  workloadCount?: number;
  /** Set once helm's history records the attempted revision as failed. */
  markedFailed?: number;
  upgrade: RolloutView;
  rollback: RollbackView;
  /** The final report; set by the `finished` event, after which the run is over. */
  report?: UpgradeReport;
  finishedAt?: Date;
  /** Time of the latest event: lets views show a clock without reading one. */
  lastEventAt?: Date;
  log: readonly LogEntry[];
}

const EMPTY_KEYS: LoggedKeys = { workloads: {}, pods: {}, warnings: [] };

/** The state before any event. */
export function initialViewState(): UpgradeViewState {
  return { upgrade: { logged: EMPTY_KEYS }, rollback: { logged: EMPTY_KEYS }, log: [] };
}

/** Coarse stage of the run, for the header. */
export type Stage =
  | 'starting'
  | 'watching'
  | 'healthy'
  | 'failed'
  | 'rolling-back'
  | 'uninstalling'
  | 'recovered'
  | 'rollback-failed'
  | 'done';

/** The stage the run is in, derived from the state. */
export function stageOf(state: UpgradeViewState): Stage {
  if (state.report) return 'done';
  const rb = state.rollback;
  if (rb.kind) {
    if (rb.ok === false || rb.verdict?.state === 'failed') return 'rollback-failed';
    if (rb.verdict?.state === 'healthy' || (rb.kind === 'uninstall' && rb.ok === true)) return 'recovered';
    return rb.kind === 'uninstall' ? 'uninstalling' : 'rolling-back';
  }
  if (state.upgrade.verdict) return state.upgrade.verdict.state;
  return state.startedAt ? 'watching' : 'starting';
}

/** The rollout the live part should draw: the rollback's once it started, else the upgrade's. */
export function activeRollout(state: UpgradeViewState): { phase: WatchPhase; view: RolloutView } {
  return state.rollback.kind === 'rollback'
    ? { phase: 'rollback', view: state.rollback }
    : { phase: 'upgrade', view: state.upgrade };
}

/**
 * The next state after one event. Pure: the input state is never changed. Log lines are appended only when
 * something a human cares about changed, so identical progress snapshots add nothing.
 */
export function reduceUpgradeEvent(state: UpgradeViewState, event: UpgradeEvent): UpgradeViewState {
  const lines: Array<Omit<LogEntry, 'id' | 'at'>> = [];
  const add = (level: LogLevel, text: string, detail = false) => lines.push({ level, text, detail });
  let next: UpgradeViewState = { ...state, originAt: state.originAt ?? event.at, lastEventAt: event.at };

  switch (event.type) {
    case 'started': {
      next = {
        ...next,
        // Whatever ran before (a --recover-pending rollback) is history now: the upgrade's rollout starts fresh.
        upgrade: { logged: EMPTY_KEYS },
        rollback: { logged: EMPTY_KEYS },
        revision: undefined,
        markedFailed: undefined,
        release: event.release,
        namespace: event.namespace,
        chart: event.chart,
        fromRevision: event.fromRevision,
        helmMajor: event.helmMajor,
        startedAt: event.at,
      };
      const helm = event.helmMajor ? `, helm ${event.helmMajor}` : '';
      add(
        'info',
        event.fromRevision === undefined
          ? `installing ${event.release} in namespace ${event.namespace} from ${event.chart} (first install${helm})`
          : `upgrading ${event.release} in namespace ${event.namespace} to ${event.chart} (from revision ${event.fromRevision}${helm})`,
      );
      break;
    }
    case 'helm-output': {
      const level = helmLineLevel(event.stream, event.line);
      if (level) add(level, `helm: ${event.line.trim()}`);
      break;
    }
    case 'revision-detected':
      if (next.rollback.kind === 'rollback') {
        // The rollback's own revision: the attempted one stays what the header and summary talk about.
        next = { ...next, rollback: { ...next.rollback, newRevision: next.rollback.newRevision ?? event.revision } };
        add('info', `rollback: revision ${event.revision} stored; watching ${plural(event.workloads, 'workload')}`);
      } else {
        next = { ...next, revision: event.revision, workloadCount: event.workloads };
        add('info', `revision ${event.revision} stored; watching ${plural(event.workloads, 'workload')}`);
      }
      break;
    case 'progress': {
      const prefix = event.phase === 'rollback' ? 'rollback: ' : '';
      const view = event.phase === 'rollback' ? next.rollback : next.upgrade;
      const logged = diffProgress(view.logged, event.snapshot, (level, text) => add(level, prefix + text, true));
      next = withRollout(next, event.phase, { progress: event.snapshot, logged });
      break;
    }
    case 'verdict': {
      const v = event.verdict;
      if (v.state === 'progressing') break;
      const verdict: VerdictView =
        v.state === 'healthy'
          ? { state: 'healthy', at: event.at }
          : {
              state: 'failed',
              at: event.at,
              reason: v.reason,
              object: v.object,
              ...(v.container === undefined ? {} : { container: v.container }),
              message: v.message,
              firstSignalAt: v.firstSignalAt,
            };
      // Progress events already carry the latest view; a verdict's own progress only fills a gap (a verdict
      // made without the cluster, e.g. helm failing, comes with an empty one that must not blank the view).
      const current = event.phase === 'rollback' ? next.rollback.progress : next.upgrade.progress;
      next = withRollout(next, event.phase, { progress: current ?? v.progress, verdict });
      if (event.phase === 'upgrade') {
        if (v.state === 'healthy') {
          const rev = next.revision === undefined ? 'the new revision' : `revision ${next.revision}`;
          add('success', `${rev} is healthy: every workload rolled out and ready`);
        } else {
          add('error', `FAILED: ${failureLine(v, next.originAt, event.at)}`);
        }
      } else if (v.state === 'healthy') {
        add('success', 'rollback: healthy again: every workload rolled out and ready');
      } else {
        add('error', `ROLLBACK FAILED: ${failureLine(v, next.originAt, event.at)}`);
      }
      break;
    }
    case 'revision-marked-failed':
      next = { ...next, markedFailed: event.revision };
      add('warn', `revision ${event.revision} recorded as failed in helm's history`);
      break;
    case 'rollback-started': {
      next = {
        ...next,
        rollback: { logged: EMPTY_KEYS, kind: 'rollback', toRevision: event.toRevision, startedAt: event.at },
      };
      const m = event.manual;
      if (m) {
        next = { ...next, mode: 'rollback', release: m.release, namespace: m.namespace, fromRevision: m.fromRevision, helmMajor: m.helmMajor };
        const from = m.fromRevision === undefined ? '' : ` from revision ${m.fromRevision}`;
        add('warn', `rolling back ${m.release} in namespace ${m.namespace}${from} to revision ${event.toRevision}${m.helmMajor ? ` (helm ${m.helmMajor})` : ''}`);
      } else add('warn', `rolling back to revision ${event.toRevision}`);
      break;
    }
    case 'guard-findings':
      for (const f of event.findings) {
        add(f.severity === 'block' ? 'error' : f.severity === 'warn' ? 'warn' : 'info', `guard ${f.guard}: ${oneLine(f.message)}`);
        if (f.fix && f.severity !== 'info') add('info', `  fix: ${oneLine(f.fix)}`);
      }
      break;
    case 'uninstall-started':
      next = { ...next, rollback: { logged: EMPTY_KEYS, kind: 'uninstall', startedAt: event.at } };
      add('warn', 'uninstalling the failed first install');
      break;
    case 'rollback-finished': {
      const uninstall = next.rollback.kind === 'uninstall';
      next = {
        ...next,
        rollback: {
          ...next.rollback,
          kind: next.rollback.kind ?? 'rollback',
          finishedAt: event.at,
          ok: event.ok,
          ...(event.newRevision === undefined ? {} : { newRevision: event.newRevision }),
          ...(event.message === undefined ? {} : { message: event.message }),
        },
      };
      if (event.ok) {
        const created = event.newRevision === undefined ? '' : `: revision ${event.newRevision} created`;
        add('info', uninstall ? 'helm uninstall done' : `helm rollback done${created}`);
      } else {
        const why = event.message ? `: ${oneLine(event.message)}` : '';
        add('error', uninstall ? `UNINSTALL FAILED${why}` : `ROLLBACK FAILED: helm rollback failed${why}`);
      }
      break;
    }
    case 'notice':
      add(event.level, oneLine(event.message));
      break;
    case 'finished':
      next = { ...next, report: event.report, finishedAt: event.at };
      break;
  }

  if (lines.length === 0) return next;
  const start = state.log.length;
  return {
    ...next,
    log: [...state.log, ...lines.map((l, i) => ({ ...l, id: start + i, at: event.at }))],
  };
}

/** Reduces a whole sequence of events from the initial state (tests, replays). */
export function reduceAll(events: readonly UpgradeEvent[], from: UpgradeViewState = initialViewState()): UpgradeViewState {
  return events.reduce(reduceUpgradeEvent, from);
}

function withRollout(state: UpgradeViewState, phase: WatchPhase, patch: Partial<RolloutView>): UpgradeViewState {
  return phase === 'rollback'
    ? { ...state, rollback: { ...state.rollback, ...patch } }
    : { ...state, upgrade: { ...state.upgrade, ...patch } };
}

// Helm prints a lot on stdout (NOTES, the release summary); only these lines say something about the outcome.
const INTERESTING_STDOUT = /^(Release ".*"|Error:|WARNING:|STATUS:|REVISION:)/;

/** The level of a helm output line, or undefined when it is not worth a log line. */
export function helmLineLevel(stream: 'stdout' | 'stderr', line: string): LogLevel | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  // helm 4 logs through slog (`level=WARN msg=...`); helm 3 prints `Error:` / `WARNING:` prefixes.
  if (/^Error\b|\bFAILED\b|\blevel=ERROR\b/.test(text)) return 'error';
  if (/^WARNING\b|^warning\b|\blevel=WARN\b/i.test(text)) return 'warn';
  if (stream === 'stderr') return 'info';
  return INTERESTING_STDOUT.test(text) ? 'info' : undefined;
}

// Reasons every healthy pod passes through (a Job's pod ends Completed): the workload's line says as much.
const ROUTINE_REASONS = new Set(['ContainerCreating', 'PodInitializing', 'NotReady', 'Completed']);

/** Whether a pod reason is one every healthy pod passes through (drawn quietly, never logged). */
export function isRoutineReason(reason: string | undefined): boolean {
  return reason === undefined || ROUTINE_REASONS.has(reason);
}

/** The part of a pod's state worth a log line: a telling reason, its restarts, or that it failed. */
function podKey(p: PodProgress): string {
  const reason = p.reason && !ROUTINE_REASONS.has(p.reason) ? p.reason : '';
  return `${reason}|${p.restarts}|${p.phase === 'Failed' ? 'Failed' : ''}`;
}
const QUIET_POD = '|0|';

// What the line says is what must change for a new line: counts the text does not show are not news.
/** `gone`: absent after it was seen (a hook Job helm deleted after it ran); `absent`: never seen yet. */
function workloadKey(w: WorkloadProgress, before: string | undefined): string {
  if (w.present) return workloadStatus(w);
  return before !== undefined && before !== 'absent' ? 'gone' : 'absent';
}

/** Ids (`Kind/name`) of the workloads that were seen and are gone now, from what a rollout logged. */
export function goneWorkloads(logged: { workloads: Readonly<Record<string, string>> }): ReadonlySet<string> {
  return new Set(Object.entries(logged.workloads).filter(([, key]) => key === 'gone').map(([id]) => id));
}

function warningKey(w: WarningEvent): string {
  return `${w.object}|${w.reason}|${w.message}`;
}

/** Emits a line per workload, pod and Warning event that changed since `logged`; returns the new keys. */
function diffProgress(
  logged: LoggedKeys,
  snapshot: RolloutProgress,
  add: (level: LogLevel, text: string) => void,
): LoggedKeys {
  const workloads = { ...logged.workloads };
  for (const w of snapshot.workloads) {
    const id = workloadId(w);
    const key = workloadKey(w, workloads[id]);
    if (workloads[id] === key) continue;
    // An object helm has not created yet is not news; its first appearance is, and so is its deletion.
    if (key !== 'absent') add(w.done ? 'success' : 'info', `${id}: ${workloadStatus(w, key === 'gone')}`);
    workloads[id] = key;
  }
  const pods = { ...logged.pods };
  for (const p of snapshot.pods) {
    const key = podKey(p);
    if ((pods[p.name] ?? QUIET_POD) !== key) {
      const troubled = !key.startsWith('|') || p.restarts > 0;
      add(troubled ? 'warn' : 'info', `pod ${p.name}: ${podStatus(p)}`);
    }
    pods[p.name] = key;
  }
  const seen = new Set(logged.warnings);
  const warnings = [...logged.warnings];
  for (const w of snapshot.warnings) {
    const key = warningKey(w);
    if (seen.has(key)) continue;
    seen.add(key);
    warnings.push(key);
    add('warn', `warning ${w.object} ${w.reason}: ${oneLine(w.message)}`);
  }
  return { workloads, pods, warnings };
}

/**
 * The nearest deadline of a rollout as words: `unready grace of Pod/web-1 (container app)`; the overall timeout
 * when no grace ends before it. With `at`, the moment it ends.
 */
export function pendingDeadline(progress: RolloutProgress): { label: string; at: Date } {
  const next = progress.next;
  if (!next) return { label: 'the timeout', at: progress.deadline };
  return { label: `${next.what} of ${next.object}${next.container ? ` (container ${next.container})` : ''}`, at: next.at };
}

/**
 * What a rollout still waits for, in one line: the workloads not done yet with their counts; once all are done,
 * the pods' stable window, then (with `now` past it, or no window) helm's own wait, which can outlast the verdict.
 */
export function waitingFor(progress: RolloutProgress, now?: Date): string {
  const pending = progress.workloads.filter((w) => !w.done);
  if (pending.length === 0) {
    if (progress.workloads.length === 0) return 'helm to store the revision';
    const stable = progress.stableAt;
    if (stable !== undefined && (now === undefined || now.getTime() < stable.getTime())) return 'the pods to stay ready';
    return 'helm to finish its own wait (the workloads are healthy)';
  }
  return pending.map((w) => `${workloadId(w)} (${workloadStatus(w)})`).join(', ');
}

/** `Deployment/web` or `Job/migrate (hook)`. */
export function workloadId(w: WorkloadProgress): string {
  return `${w.kind}/${w.name}${w.hook ? ' (hook)' : ''}`;
}

/** `2/3 ready, 3/3 updated`, `rolled out, 3/3 ready`, `1/1 succeeded, complete`. */
export function workloadStatus(w: WorkloadProgress, gone = false): string {
  if (!w.present) {
    // An existing workload whose new template helm has not applied yet (e.g. while a pre-upgrade hook runs).
    if (w.note) return w.note;
    // A hook Job helm creates when its hook runs, and (by its hook-delete-policy) deletes once it succeeded; a
    // failure would have failed the rollout, so a hook Job that was seen and is gone has run.
    if (w.hook) return gone ? 'ran, then deleted by helm (hook-delete-policy)' : 'waiting for helm to run the hook';
    return gone ? 'deleted' : 'not created yet';
  }
  // What the counts cannot show (paused, suspended, pods refused, a resource's condition), said at once.
  const note = w.note ? ` (${w.note})` : '';
  if (w.kind === 'Job') {
    // For Jobs the domain counts succeeded pods as available and active + succeeded as updated.
    const running = Math.max(0, w.updated - w.available);
    const counts = `${w.available}/${w.desired} succeeded${running > 0 ? `, ${running} running` : ''}`;
    if (w.available >= w.desired && w.done) return `${counts}, complete`;
    return w.done ? `${counts} (not waited for)` : `${counts}${note}`;
  }
  // Claims and custom resources have no pods to count: ready or not, and why.
  if (!POD_KINDS.has(w.kind)) return `${w.done ? 'ready' : 'not ready'}${note}`;
  if (w.done) return `rolled out, ${w.ready}/${w.desired} ready`;
  return `${w.ready}/${w.desired} ready, ${w.updated}/${w.desired} updated${note}`;
}

/** Kinds whose progress is counted in pods. */
const POD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Pod']);

/** `CrashLoopBackOff, restarts 2 (Running, not ready)`. */
export function podStatus(p: PodProgress): string {
  const head = p.reason ? `${p.reason}, restarts ${p.restarts}` : `restarts ${p.restarts}`;
  return `${head} (${p.phase}, ${p.ready ? 'ready' : 'not ready'})`;
}

/** `CrashLoopBackOff in Pod/web-1 (container app): message [first signal 00:02.1, detected after 0.8s]`. */
function failureLine(
  f: { reason: FailureReason; object: string; container?: string; message: string; firstSignalAt: Date },
  origin: Date | undefined,
  detectedAt: Date,
): string {
  const signal = origin ? `first signal ${relative(f.firstSignalAt, origin)}, ` : '';
  const ttd = Math.max(0, detectedAt.getTime() - f.firstSignalAt.getTime());
  return `${describeFailure(f)}: ${oneLine(f.message)} [${signal}detected after ${(ttd / 1000).toFixed(1)}s]`;
}

function relative(at: Date, start: Date): string {
  return formatElapsed(at.getTime() - start.getTime());
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Kubelet and helm messages may span lines; a log line must not. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
