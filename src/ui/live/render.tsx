import { render } from 'ink';
import type { UpgradeEvent } from '../../domain/upgrade/events.js';
import { LiveUpgradeApp } from './app.js';
import { createLiveStore } from './store.js';
import type { LiveRenderOptions, LiveUpgradeHandle, UpgradeEventSource } from './types.js';

/**
 * Draws the live TUI of an upgrade with Ink until the `finished` event, the end of an async-iterable source,
 * or `unmount()`. Takes no keyboard input: Ctrl+C reaches the process as SIGINT, for the command to handle.
 */
export function renderLiveUpgrade(events: UpgradeEventSource | undefined, options: LiveRenderOptions): LiveUpgradeHandle {
  const now = options.now ?? (() => new Date());
  const store = createLiveStore(now);
  const instance = render(
    <LiveUpgradeApp store={store} color={options.color ?? true} tickMs={options.tickMs ?? 500} now={now} />,
    {
      stdout: options.stdout,
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.stderr ? { stderr: options.stderr } : {}),
      exitOnCtrlC: false,
      // console.* output (e.g. HELM_DEBUG logs) is printed above the live part instead of tearing it.
      patchConsole: true,
    },
  );
  const stop = connect(events, store.dispatch, store.end, now);
  const exited = instance.waitUntilExit().finally(stop);
  return {
    onEvent: (event) => store.dispatch(event),
    waitUntilExit: async () => {
      await exited;
    },
    unmount() {
      stop();
      // React commits store updates in a microtask; queueing behind them makes the last frame show every event
      // dispatched before this call.
      queueMicrotask(() => instance.unmount());
    },
  };
}

/** Feeds the store from the source; returns how to stop listening. */
function connect(
  source: UpgradeEventSource | undefined,
  dispatch: (event: UpgradeEvent) => void,
  end: () => void,
  now: () => Date,
): () => void {
  if (!source) return () => {};
  if (Symbol.asyncIterator in source) {
    let stopped = false;
    void (async () => {
      try {
        for await (const event of source) {
          if (stopped) break;
          dispatch(event);
        }
      } catch (error) {
        // The service reports its own errors; the view only has to stop drawing and show what it has.
        dispatch({ type: 'notice', level: 'warn', message: `event stream failed: ${String(error)}`, at: now() });
      } finally {
        end();
      }
    })();
    return () => {
      stopped = true;
    };
  }
  const unsubscribe = source.subscribe(dispatch);
  return typeof unsubscribe === 'function' ? unsubscribe : () => {};
}
