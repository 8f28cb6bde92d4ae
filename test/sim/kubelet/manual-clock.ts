import type { SimClock } from '../../../src/sim/store/types.js';

/** Lets every queued microtask and immediate run (the kubelet and scheduler react in microtasks). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A SimClock that only moves when told: `advance(ms)` fires the timers due, in order, settling after each. */
export class ManualClock implements SimClock {
  readonly timeScale = 1;
  private t: number;
  private seq = 0;
  private timers: Array<{ at: number; seq: number; fn: () => void }> = [];

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.t = start;
  }

  now(): Date {
    return new Date(this.t);
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Milliseconds since the clock's start. */
  elapsed(start = Date.parse('2026-01-01T00:00:00Z')): number {
    return this.t - start;
  }

  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}
