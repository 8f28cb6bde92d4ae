import { createInterface } from 'node:readline';
import { Chalk } from 'chalk';
import type { UpgradeEvent } from '../domain/upgrade/events.js';
import { colorEnabled } from './color.js';
import { createPlainRenderer } from './plain-renderer.js';
import type { ReportLine } from './report-text.js';

/** A view of a run's events for a command: the live TUI or plain lines. */
export interface EventView {
  onEvent(event: UpgradeEvent): void;
  /** Ends the view: the live one draws its last frame first. */
  end(): Promise<void>;
}

/**
 * Opens the event view on stderr: the Ink live view when `live`, else plain log lines (coloured unless
 * NO_COLOR). The live view (React, Ink) is loaded only then.
 */
export async function openEventView(live: boolean, stderr: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Promise<EventView> {
  const color = colorEnabled(stderr, env);
  if (!live) {
    const plain = createPlainRenderer(stderr, { color });
    return { onEvent: (e) => plain.onEvent(e), end: async () => plain.close() };
  }
  const { renderLiveUpgrade } = await import('./live/render.js');
  const view = renderLiveUpgrade(undefined, { stdout: stderr, color });
  return {
    onEvent: (e) => view.onEvent(e),
    end: async () => {
      view.unmount();
      await view.waitUntilExit();
    },
  };
}

/**
 * An event view opened later (after a confirmation prompt, which must not fight the live view for the
 * terminal): events before `open()` are kept and replayed. `end()` on a view never opened does nothing.
 */
export function deferredEventView(live: boolean, stderr: NodeJS.WriteStream, env: NodeJS.ProcessEnv): EventView & { open(): Promise<void> } {
  let view: EventView | undefined;
  let ended = false;
  const early: UpgradeEvent[] = [];
  return {
    onEvent: (e) => (view ? view.onEvent(e) : early.push(e)),
    async open() {
      if (view) return;
      view = await openEventView(live, stderr, env);
      for (const e of early.splice(0)) view.onEvent(e);
    },
    async end() {
      if (ended) return;
      ended = true;
      await view?.end();
    },
  };
}

/** Writes report lines, coloured by level when the stream takes colour. */
export function writeLines(out: NodeJS.WriteStream, lines: readonly ReportLine[], env: NodeJS.ProcessEnv): void {
  const chalk = new Chalk({ level: colorEnabled(out, env) ? 1 : 0 });
  const paint = { info: (t: string) => t, success: chalk.green, warn: chalk.yellow, error: chalk.red.bold };
  out.write(lines.map((l) => `${paint[l.level](l.text)}\n`).join(''));
}

/** Asks a yes/no question on a terminal; anything but y/yes is no. */
export async function askYesNo(question: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<boolean> {
  const rl = createInterface({ input, output });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.question(`${question} [y/N] `, resolve);
      rl.once('close', () => resolve(''));
    });
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
