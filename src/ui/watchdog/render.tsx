import { render } from 'ink';
import type { WatchdogRunEvent } from '../../domain/watchdog/events.js';
import type { WatchdogControls } from '../../services/watchdog.js';
import { initialWatchdogView, reduceWatchdog, type WatchdogKeyAction, type WatchdogViewState } from './state.js';
import { WatchdogApp } from './view.js';

/** A running live watchdog view. */
export interface LiveWatchdogHandle {
  onEvent(event: WatchdogRunEvent): void;
  /** The keys d, q and a confirmed r, for the service. */
  controls: WatchdogControls;
  waitUntilExit(): Promise<void>;
  unmount(): void;
  close(): void;
}

/** Options of {@link renderLiveWatchdog}. */
export interface LiveWatchdogOptions {
  stdout: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  color: boolean;
}

/**
 * Draws the watchdog's live view with Ink until the `finished` event. Keys (when stdin is a terminal): d
 * disarms, q quits (disarms), r asks to roll back now and y confirms it (n cancels).
 */
export function renderLiveWatchdog(options: LiveWatchdogOptions): LiveWatchdogHandle {
  let state: WatchdogViewState = initialWatchdogView();
  const listeners = new Set<() => void>();
  const controlListeners = new Set<(a: 'disarm' | 'rollback-now') => void>();
  const update = (e: WatchdogRunEvent | WatchdogKeyAction) => {
    state = reduceWatchdog(state, e);
    for (const l of [...listeners]) l();
  };
  const control = (a: 'disarm' | 'rollback-now') => {
    for (const l of [...controlListeners]) l(a);
  };
  const stdin = options.stdin ?? process.stdin;
  const onKey = (key: 'd' | 'q' | 'r' | 'y' | 'n') => {
    if (state.confirmingRollback) {
      if (key === 'y') {
        update({ type: 'confirmed-rollback' });
        control('rollback-now');
      } else update({ type: 'cancel-rollback' });
      return;
    }
    if (key === 'd' || key === 'q') control('disarm');
    else if (key === 'r') update({ type: 'ask-rollback' });
  };
  const store = { getState: () => state, subscribe: (l: () => void) => (listeners.add(l), () => listeners.delete(l)) };
  const instance = render(<WatchdogApp store={store} color={options.color} onKey={onKey} keys={stdin.isTTY === true} />, {
    stdout: options.stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: true,
  });
  let closed = false;
  return {
    onEvent: (e) => {
      if (!closed) update(e);
    },
    controls: { subscribe: (l) => (controlListeners.add(l), () => controlListeners.delete(l)) },
    waitUntilExit: async () => {
      await instance.waitUntilExit();
    },
    unmount: () => queueMicrotask(() => instance.unmount()),
    close: () => {
      closed = true;
    },
  };
}
