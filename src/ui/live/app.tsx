import { Static, useApp, useStdout } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { LiveStore } from './store.js';
import { displayTime } from './store.js';
import { LiveUpgradeView, LogLine } from './view.js';

/** Props of {@link LiveUpgradeApp}. */
export interface LiveUpgradeAppProps {
  store: LiveStore;
  /** Colour (default true). */
  color?: boolean;
  /** Clock redraw interval in ms (default 500); 0 redraws only on events. */
  tickMs?: number;
  /** Wall clock (default `() => new Date()`). */
  now?: () => Date;
}

// A stable default: a new function per render would restart the clock's interval on every redraw.
const wallClock = (): Date => new Date();

/**
 * The whole TUI: finished lines printed once through `<Static>`, the live view below them redrawn. Exits the
 * Ink app once the store has ended (final report received or the event source closed).
 */
export function LiveUpgradeApp({ store, color = true, tickMs = 500, now = wallClock }: LiveUpgradeAppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const ended = useSyncExternalStore(store.subscribe, store.isEnded);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [wallNow, setWallNow] = useState(() => now());

  useEffect(() => {
    if (ended || tickMs <= 0) return undefined;
    const timer = setInterval(() => setWallNow(now()), tickMs);
    return () => clearInterval(timer);
  }, [ended, tickMs, now]);

  useEffect(() => {
    if (!ended) return undefined;
    // Exit on the next turn, once React has also committed <Static>'s follow-up render (it empties itself
    // after printing); exiting in the same commit could print the newest static lines twice.
    const timer = setImmediate(() => exit());
    return () => clearImmediate(timer);
  }, [ended, exit]);

  const finished = state.log.filter((entry) => !entry.detail);
  const drawnNow = displayTime(state, store.lastReceivedAt(), tickMs > 0 ? wallNow : now());
  return (
    <>
      <Static items={finished}>
        {(entry) => <LogLine key={entry.id} entry={entry} origin={state.originAt} color={color} columns={columns} />}
      </Static>
      <LiveUpgradeView state={state} now={drawnNow} columns={columns} rows={rows} color={color} />
    </>
  );
}

/** The terminal's size, following resizes; 80x24 when the stream does not know. */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function sizeOf(stream: NodeJS.WriteStream): { columns: number; rows: number } {
  return { columns: stream.columns || 80, rows: stream.rows || 24 };
}
