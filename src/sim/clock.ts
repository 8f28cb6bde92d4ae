import type { SimClock } from './store/types.js';

/** A SimClock over the real clock, running simulated durations `timeScale` times faster (default real time). */
export function realClock(timeScale = 1): SimClock {
  if (!(timeScale > 0)) throw new Error(`time scale must be > 0, got ${timeScale}`);
  return {
    timeScale,
    now: () => new Date(),
    after(simulatedMs, fn) {
      const timer = setTimeout(fn, Math.max(0, simulatedMs / timeScale));
      timer.unref?.();
      return () => clearTimeout(timer);
    },
  };
}
