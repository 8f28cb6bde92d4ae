import { render } from 'ink';
import type { PickerSource } from '../../services/picker.js';
import { PickerApp } from './app.js';
import { initialPickerState, type PickerOutcome } from './state.js';

/** Where and how to draw the picker. */
export interface PickerRenderOptions {
  release: string;
  namespace: string;
  stdout: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  color?: boolean;
  /** Offer the `w` key (arm a watchdog with the selected revision as target). Default false. */
  watchdogKey?: boolean;
}

/**
 * Runs the history picker until the user leaves (q/Esc) or confirms a rollback (or, with `watchdogKey`,
 * asks for a watchdog). Lists labels and the ledger first; bodies are read for the rows on screen only.
 */
export async function runPicker(source: PickerSource, options: PickerRenderOptions): Promise<PickerOutcome & { warnings: string[] }> {
  const index = await source.index();
  const initial = initialPickerState({
    release: options.release,
    namespace: options.namespace,
    entries: index.revisions,
    ...(index.deployed === undefined ? {} : { deployed: index.deployed }),
    ...(index.lastKnownGood === undefined ? {} : { lastKnownGood: index.lastKnownGood }),
    columns: options.stdout.columns ?? 80,
    rows: options.stdout.rows ?? 24,
    watchdogKey: options.watchdogKey ?? false,
  });
  let outcome: PickerOutcome = { action: 'quit' };
  const instance = render(<PickerApp source={source} initial={initial} color={options.color ?? true} onDone={(o) => (outcome = o)} />, {
    stdout: options.stdout,
    ...(options.stdin ? { stdin: options.stdin } : {}),
    exitOnCtrlC: false,
    patchConsole: false,
  });
  await instance.waitUntilExit();
  instance.cleanup();
  return { ...outcome, warnings: index.warnings };
}
