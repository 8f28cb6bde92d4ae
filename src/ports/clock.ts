/** Time as the services see it: real in production, controllable in tests. */
export interface Clock {
  now(): Date;
  /** Calls `fn` once at `at` (immediately when it is past); returns a function that cancels the timer. */
  at(at: Date, fn: () => void): () => void;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The wall clock, with Node timers. Timers are unref'ed only by the caller's choice: they keep the process alive. */
export const systemClock: Clock = {
  now: () => new Date(),
  at(at, fn) {
    const timer = setTimeout(fn, Math.max(0, at.getTime() - Date.now()));
    return () => clearTimeout(timer);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
