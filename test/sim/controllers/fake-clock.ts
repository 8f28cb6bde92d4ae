import type { SimClock } from '../../../src/sim/store/types.js';

/** A manual SimClock for tests: time moves only through `advance`, which fires due timers in order. */
export interface ManualClock extends SimClock {
  /** Moves time forward by `ms`, firing every timer that falls due on the way (at its due time). */
  advance(ms: number): void;
  /** Number of pending timers. */
  pending(): number;
}

/**
 * A ManualClock starting at `start`. With a time scale, `after(ms)` takes simulated ms (due after ms / timeScale of
 * clock time) while `advance` moves the (wall) clock, as realClock(timeScale) behaves.
 */
export function manualClock(start = new Date('2026-01-01T00:00:00Z'), timeScale = 1): ManualClock {
  let now = start.getTime();
  let seq = 0;
  const timers = new Map<number, { due: number; fn: () => void }>();
  return {
    timeScale,
    now: () => new Date(now),
    after(ms, fn) {
      const id = ++seq;
      timers.set(id, { due: now + Math.max(0, ms) / timeScale, fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let next: [number, { due: number; fn: () => void }] | undefined;
        for (const entry of timers) if (entry[1].due <= end && (!next || entry[1].due < next[1].due || (entry[1].due === next[1].due && entry[0] < next[0]))) next = entry;
        if (!next) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].due);
        next[1].fn();
      }
      now = end;
    },
    pending: () => timers.size,
  };
}
