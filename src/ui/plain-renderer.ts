import { Chalk, type ChalkInstance } from 'chalk';
import type { UpgradeEvent } from '../domain/upgrade/events.js';
import { activeRollout, initialViewState, pendingDeadline, reduceUpgradeEvent, stageOf, waitingFor, type LogLevel, type UpgradeViewState } from './live/state.js';
import { reportLines } from './report-text.js';
import { formatCountdown, formatElapsed } from './time-format.js';

/** Where the plain renderer writes (process.stderr fits). */
export interface TextSink {
  write(s: string): void;
}

/** Options of {@link createPlainRenderer}. */
export interface PlainRendererOptions {
  /** Colour by level with ANSI escapes; pass {@link colorEnabled}'s answer. */
  color: boolean;
  /** The clock used for a line whose event carries an invalid time. Default `() => new Date()`. */
  now?: () => Date;
  /** `relative` (default): `00:03.2` since the run's first event; `iso`: the event's RFC 3339 time. */
  timestamps?: 'relative' | 'iso';
  /**
   * After this long without a line while a rollout is watched, print a heartbeat: what it waits for and until
   * when (default 30 s; 0: never). A CI log is then never silent through a two-minute grace.
   */
  heartbeatMs?: number;
  /** Runs `fn` every `ms` until cancelled; default an unref'd setInterval (tests pass a manual one). */
  every?: (ms: number, fn: () => void) => () => void;
}

/** A renderer fed one event at a time. */
export interface PlainRenderer {
  onEvent(event: UpgradeEvent): void;
  /** Ends the output; writes nothing more afterwards. */
  close(): void;
}

/**
 * The CI-mode renderer: one plain log line per state change (a workload's counts, a pod's reason or restarts,
 * a new Warning event, a verdict, the rollback's steps), never one per progress tick, then the final summary.
 * Without colour it writes no ANSI escapes at all. Loads no React.
 */
export function createPlainRenderer(out: TextSink, options: PlainRendererOptions): PlainRenderer {
  const chalk: ChalkInstance = new Chalk({ level: options.color ? 1 : 0 });
  const now = options.now ?? (() => new Date());
  let state: UpgradeViewState = initialViewState();
  let closed = false;
  let lastLineAt = now().getTime();
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const every = options.every ?? defaultEvery;

  const paint = (level: LogLevel, text: string): string => {
    switch (level) {
      case 'error':
        return chalk.red.bold(text);
      case 'warn':
        return chalk.yellow(text);
      case 'success':
        return chalk.green(text);
      case 'info':
        return text;
    }
  };
  const stamp = (at: Date): string => {
    const t = Number.isNaN(at.getTime()) ? now() : at;
    if (options.timestamps === 'iso') return t.toISOString();
    return formatElapsed(t.getTime() - (state.originAt ?? t).getTime());
  };

  // Checked often enough that a silence is reported within 10% of heartbeatMs after it starts.
  const stopHeartbeat =
    heartbeatMs > 0
      ? every(Math.max(100, Math.round(heartbeatMs / 10)), () => {
          const t = now();
          if (closed || t.getTime() - lastLineAt < heartbeatMs) return;
          const line = heartbeat(state, t);
          if (!line) return;
          lastLineAt = t.getTime();
          out.write(`${chalk.dim(stamp(t))} ${chalk.dim(line)}\n`);
        })
      : () => undefined;

  return {
    onEvent(event) {
      if (closed) return;
      const before = state.log.length;
      state = reduceUpgradeEvent(state, event);
      let text = '';
      for (const entry of state.log.slice(before)) {
        text += `${chalk.dim(stamp(entry.at))} ${paint(entry.level, entry.text)}\n`;
      }
      if (event.type === 'finished') {
        text += '\n';
        for (const line of reportLines(event.report)) text += `${paint(line.level, line.text)}\n`;
      }
      if (text) {
        out.write(text);
        lastLineAt = now().getTime();
      }
    },
    close() {
      closed = true;
      stopHeartbeat();
    },
  };
}

/**
 * `still waiting for Deployment/web (0/2 ready, 2/2 updated); unready grace of Pod/web-1 (container app) ends at
 * 02:03.0 (in 1:40); timeout at 05:00.0`, or undefined when no rollout is being watched.
 */
export function heartbeat(state: UpgradeViewState, now: Date): string | undefined {
  const stage = stageOf(state);
  if (stage !== 'watching' && stage !== 'rolling-back') return undefined;
  const { phase, view } = activeRollout(state);
  const progress = view.progress;
  if (!progress) return undefined;
  const origin = state.originAt ?? now;
  const rel = (d: Date) => formatElapsed(d.getTime() - origin.getTime());
  const next = pendingDeadline(progress);
  const parts = [`${phase === 'rollback' ? 'rollback: ' : ''}still waiting for ${waitingFor(progress, now)}`];
  if (progress.next) parts.push(`${next.label} ends at ${rel(next.at)} (in ${formatCountdown(next.at.getTime() - now.getTime())})`);
  parts.push(`timeout at ${rel(progress.deadline)} (in ${formatCountdown(progress.deadline.getTime() - now.getTime())})`);
  return parts.join('; ');
}

function defaultEvery(ms: number, fn: () => void): () => void {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
}
