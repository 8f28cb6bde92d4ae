import { Chalk, type ChalkInstance } from 'chalk';
import type { UpgradeEvent } from '../domain/upgrade/events.js';
import { initialViewState, reduceUpgradeEvent, type LogLevel, type UpgradeViewState } from './live/state.js';
import { reportLines } from './report-text.js';
import { formatElapsed } from './time-format.js';

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
      if (text) out.write(text);
    },
    close() {
      closed = true;
    },
  };
}
