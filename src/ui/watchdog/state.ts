// The UI state of `helm autorollback watchdog`: a pure reducer over WatchdogRunEvent plus the keys of the live
// view. The Ink view draws it (its log through <Static>); the plain CI logger prints every new log line. Free of
// ink/react so the plain path never loads them.
import type { BakePod } from '../../domain/health/post-rollout.js';
import type { WorkloadProgress } from '../../domain/health/types.js';
import type { WatchdogRunEvent } from '../../domain/watchdog/events.js';
import type { WatchdogReport } from '../../domain/watchdog/report.js';
import { describeFailure } from '../../domain/upgrade/events.js';
import { initialViewState, reduceUpgradeEvent, type LogEntry, type LogLevel, type UpgradeViewState } from '../live/state.js';
import { formatElapsed, formatSpan } from '../time-format.js';

/** How many recent values of a metric, and of the restart count, the view keeps. */
export const TREND_LENGTH = 12;

/** One metric check as the view shows it. */
export interface MetricView {
  check: string;
  condition?: string;
  /** Recent values, oldest first (null: no value). */
  values: Array<number | null>;
  lastOutcome: string;
  status: string;
}

/** Everything the watchdog views draw. Built only by {@link reduceWatchdog}; never mutated. */
export interface WatchdogViewState {
  phase: 'arming' | 'baking' | 'rolling-back' | 'done';
  release?: string;
  namespace?: string;
  revision?: number;
  target?: number;
  holder?: string;
  armedAt?: Date;
  deadline?: Date;
  /** Time of the first event: relative times count from here. */
  originAt?: Date;
  health?: 'healthy' | 'suspect' | 'degraded';
  workloads: WorkloadProgress[];
  pods: BakePod[];
  /** Restarts since armed (all pods), one value per health evaluation that changed it, oldest first. */
  restartTrend: number[];
  metrics: Readonly<Record<string, MetricView>>;
  /** The log of checks: finished lines, printed once. */
  log: LogEntry[];
  /** Set while a key r waits for its confirmation. */
  confirmingRollback: boolean;
  report?: WatchdogReport;
  /** The rollback's own rollout, through the upgrade view's reducer (its log lines are copied here). */
  rollback: UpgradeViewState;
  /** What each pod last logged, so only changes make lines. */
  loggedPods: Readonly<Record<string, string>>;
}

/** What the live view's keys do to the state (the command turns d / confirmed r into controls). */
export type WatchdogKeyAction = { type: 'ask-rollback' } | { type: 'cancel-rollback' } | { type: 'confirmed-rollback' };

/** The state before any event. */
export function initialWatchdogView(): WatchdogViewState {
  return { phase: 'arming', workloads: [], pods: [], restartTrend: [], metrics: {}, log: [], confirmingRollback: false, rollback: initialViewState(), loggedPods: {} };
}

/** Applies one event or key action. Pure. */
export function reduceWatchdog(state: WatchdogViewState, event: WatchdogRunEvent | WatchdogKeyAction): WatchdogViewState {
  const at = 'at' in event ? event.at : undefined;
  const s: WatchdogViewState = { ...state, originAt: state.originAt ?? at };
  const log = (level: LogLevel, text: string, when = at ?? new Date(0)) => {
    s.log = [...s.log, { id: s.log.length, at: when, level, detail: false, text }];
  };
  switch (event.type) {
    case 'ask-rollback':
      return state.phase === 'baking' ? { ...s, confirmingRollback: true } : s;
    case 'cancel-rollback':
    case 'confirmed-rollback':
      return { ...s, confirmingRollback: false };
    case 'armed':
      Object.assign(s, { phase: 'baking', release: event.release, namespace: event.namespace, revision: event.revision, target: event.target, holder: event.holder, armedAt: event.armedAt, deadline: event.deadline });
      log('info', `watchdog armed on ${event.release} revision ${event.revision} (namespace ${event.namespace}) until ${event.deadline.toISOString()} (${formatSpan(event.deadline.getTime() - event.armedAt.getTime())}); watching ${event.workloads} workload${event.workloads === 1 ? '' : 's'}; rollback target: ${event.target === undefined ? 'none' : `revision ${event.target}`}; holder ${event.holder}`);
      return s;
    case 'health': {
      s.workloads = event.verdict.workloads;
      s.pods = event.verdict.pods;
      const restarts = event.verdict.pods.reduce((n, p) => n + p.restartsSinceArmed, 0);
      if (s.restartTrend[s.restartTrend.length - 1] !== restarts) s.restartTrend = [...s.restartTrend, restarts].slice(-TREND_LENGTH);
      const logged: Record<string, string> = { ...s.loggedPods };
      for (const p of event.verdict.pods) {
        const key = `${p.ready ? 'ready' : 'not ready'}, restarts ${p.restarts}${p.reason ? `, ${p.reason}` : ''}`;
        if (logged[p.name] !== undefined && logged[p.name] !== key) log(p.ready ? 'info' : 'warn', `pod ${p.name}: ${key} (${p.restartsSinceArmed} since armed)`);
        logged[p.name] = key;
      }
      s.loggedPods = logged;
      return s;
    }
    case 'health-changed':
      s.health = event.state;
      if (event.state === 'degraded' && event.failure) return s; // the `degraded` event says it, once
      log(event.state === 'healthy' ? 'success' : 'warn', event.state === 'healthy' ? 'health: every pod ready, nothing growing' : 'health: suspect: a pod or Deployment is below its grace; watching');
      return s;
    case 'metric': {
      const r = event.result;
      const prev = s.metrics[r.check];
      const view: MetricView = {
        check: r.check,
        ...(r.condition ? { condition: r.condition } : {}),
        values: [...(prev?.values ?? []), r.value ?? null].slice(-TREND_LENGTH),
        lastOutcome: r.outcome,
        status: r.status,
      };
      s.metrics = { ...s.metrics, [r.check]: view };
      const level: LogLevel = r.status === 'failed' || r.outcome === 'fail' ? 'error' : r.outcome === 'pass' ? 'info' : 'warn';
      log(level, `metric ${r.check} = ${r.value ?? 'no value'}${r.condition ? ` (fails if ${r.condition})` : ''}: ${r.outcome}${r.status === 'ok' ? '' : `, check ${r.status}`}${r.outcome === 'pass' || !r.message ? '' : ` (${r.message})`}`);
      return s;
    }
    case 'degraded': {
      const f = event.failure;
      s.phase = 'rolling-back';
      s.confirmingRollback = false;
      log('error', `DEGRADED: ${describeFailure(f)}: ${f.message} [first signal ${formatElapsed(f.firstSignalAt.getTime() - (s.originAt ?? f.firstSignalAt).getTime())}, detected after ${formatSpan(Math.max(0, f.detectedAt.getTime() - f.firstSignalAt.getTime()))}]`);
      log('info', event.toRevision === undefined ? 'no revision to roll back to' : `rolling back to revision ${event.toRevision}`);
      return s;
    }
    case 'rollback': {
      const before = s.rollback.log.length;
      s.rollback = reduceUpgradeEvent(s.rollback.originAt ? s.rollback : { ...s.rollback, originAt: s.originAt }, event.event);
      for (const entry of s.rollback.log.slice(before)) {
        if (event.event.type === 'rollback-started') continue; // said by `degraded`
        s.log = [...s.log, { ...entry, id: s.log.length }];
      }
      return s;
    }
    case 'notice':
      log(event.level, event.message);
      return s;
    case 'finished':
      s.phase = 'done';
      s.report = event.report;
      s.confirmingRollback = false;
      return s;
  }
}

/** A summary line of the final report with how it should stand out. */
export interface WatchdogReportLine {
  level: LogLevel;
  text: string;
}

/** The human summary of a watchdog's end: a headline, then labelled details. */
export function watchdogReportLines(r: WatchdogReport): WatchdogReportLine[] {
  const lines: WatchdogReportLine[] = [];
  const row = (label: string, value: string, level: LogLevel = 'info') => lines.push({ level, text: `  ${label.padEnd(13)} ${value}` });
  switch (r.outcome) {
    case 'verified':
      lines.push({ level: 'success', text: `VERIFIED: ${r.release} revision ${r.revision} stayed healthy for the whole bake` });
      break;
    case 'rolled-back':
      lines.push({ level: 'warn', text: `ROLLED BACK: ${r.release} revision ${r.revision} degraded during the bake; back on revision ${r.rollback?.toRevision ?? '?'}, healthy` });
      break;
    case 'rollback-failed':
      lines.push({ level: 'error', text: `ROLLBACK FAILED: ${r.release} revision ${r.revision} degraded and the rollback did not recover it: a human must look now` });
      break;
    case 'stood-down':
      lines.push({ level: 'warn', text: `STOOD DOWN: ${r.standDown?.detail ?? 'the watchdog stopped'}; nothing was rolled back` });
      break;
    case 'disarmed':
      lines.push({ level: 'info', text: `DISARMED: ${r.disarmedBy ?? 'disarmed'}; nothing was changed` });
      break;
  }
  row('release', `${r.release} (namespace ${r.namespace})`);
  row('baked', `revision ${r.revision}, armed ${r.armedAt}, deadline ${r.deadline}${r.endedAt ? `, ended ${r.endedAt}` : ''}`);
  if (r.failure) {
    row('reason', describeFailure(r.failure), 'error');
    row('message', r.failure.message.replace(/\s*\n\s*/g, ' '));
    row('first signal', r.failure.firstSignalAt);
    row('detected', `${r.failure.detectedAt} (TTD ${formatSpan(Math.max(0, Date.parse(r.failure.detectedAt) - Date.parse(r.failure.firstSignalAt)))})`);
  }
  if (r.rollback) {
    row('rollback', `to revision ${r.rollback.toRevision ?? '?'}${r.rollback.newRevision === null ? '' : ` as revision ${r.rollback.newRevision}`}, started ${r.rollback.startedAt}, ${r.rollback.completedAt ? `completed ${r.rollback.completedAt}` : 'never completed'}`);
    if (r.rollback.message) row('rollback error', r.rollback.message, 'error');
  }
  for (const m of r.metrics) row(`metric`, `${m.check}: last value ${m.value ?? 'none'}, ${m.status}`);
  return lines;
}
