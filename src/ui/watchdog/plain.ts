import { Chalk } from 'chalk';
import type { WatchdogRunEvent } from '../../domain/watchdog/events.js';
import type { LogLevel } from '../live/state.js';
import type { TextSink } from '../plain-renderer.js';
import { formatElapsed } from '../time-format.js';
import { initialWatchdogView, reduceWatchdog, watchdogReportLines, type WatchdogViewState } from './state.js';

/** A renderer fed one watchdog event at a time. */
export interface WatchdogPlainRenderer {
  onEvent(event: WatchdogRunEvent): void;
  close(): void;
}

/**
 * The watchdog's CI-mode output: one plain line per check that changed something (a pod's readiness or
 * restarts, a metric measurement, a health change, the decision, the rollback's steps), then the summary.
 * Without colour it writes no ANSI escapes.
 */
export function createWatchdogPlainRenderer(out: TextSink, options: { color: boolean }): WatchdogPlainRenderer {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const paint = (level: LogLevel, text: string) =>
    level === 'error' ? chalk.red.bold(text) : level === 'warn' ? chalk.yellow(text) : level === 'success' ? chalk.green(text) : text;
  let state: WatchdogViewState = initialWatchdogView();
  let closed = false;
  return {
    onEvent(event) {
      if (closed) return;
      const before = state.log.length;
      state = reduceWatchdog(state, event);
      let text = '';
      for (const e of state.log.slice(before)) {
        text += `${chalk.dim(formatElapsed(e.at.getTime() - (state.originAt ?? e.at).getTime()))} ${paint(e.level, e.text)}\n`;
      }
      if (event.type === 'finished') {
        text += '\n';
        for (const line of watchdogReportLines(event.report)) text += `${paint(line.level, line.text)}\n`;
      }
      if (text) out.write(text);
    },
    close() {
      closed = true;
    },
  };
}
