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
  const out = trackLastWrite(options.stdout);
  const instance = render(
    <LiveUpgradeApp store={store} color={options.color ?? true} tickMs={options.tickMs ?? 500} now={now} />,
    {
      stdout: out.stream,
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.stderr ? { stderr: options.stderr } : {}),
      exitOnCtrlC: false,
      // console.* output (e.g. HELM_DEBUG logs) is printed above the live part instead of tearing it.
      patchConsole: true,
    },
  );
  const stop = connect(events, store.dispatch, store.end, now);
  const exited = instance.waitUntilExit().finally(() => {
    stop();
    // A last frame as tall as the terminal is written without its newline (Ink's full-screen case): add it so
    // the shell prompt does not land on the summary's last line.
    if (!out.endsWithNewline()) options.stdout.write('\n');
  });
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

/** The stream seen through a proxy that remembers whether the last write ended a line. */
function trackLastWrite(stream: NodeJS.WriteStream): { stream: NodeJS.WriteStream; endsWithNewline(): boolean } {
  let endsWithNewline = true;
  const proxy = new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') {
        return (chunk: unknown, ...rest: unknown[]) => {
          const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
          // Cursor show/hide and erase sequences say nothing about where the last line ended.
          const visible = text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
          if (visible.length > 0) endsWithNewline = visible.endsWith('\n');
          return (target.write as (...args: unknown[]) => boolean)(chunk, ...rest);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { stream: proxy, endsWithNewline: () => endsWithNewline };
}
