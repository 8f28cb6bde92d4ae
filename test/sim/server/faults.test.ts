import { createFaultController, parseDuration, parseFaultSpec } from '../../../src/sim/faults/index.js';

describe('fault spec parsing', () => {
  it('parses every fault with durations and rates', () => {
    expect(parseFaultSpec('drop-watch=3s,error-rate=0.05,throttle-rate=0.1,latency=50ms,expire-rv=2m')).toEqual({
      dropWatchMs: 3000,
      errorRate: 0.05,
      throttleRate: 0.1,
      latencyMs: 50,
      expireRvMs: 120000,
    });
    expect(parseFaultSpec('reset-watch=1m')).toEqual({ resetWatchMs: 60000 });
    expect(parseFaultSpec('')).toEqual({});
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('20')).toBe(20);
  });

  it.each([
    ['nope=1', /unknown fault "nope"/],
    ['error-rate', /expected error-rate=VALUE/],
    ['error-rate=1.5', /invalid error-rate "1.5"/],
    ['latency=fast', /invalid duration "fast"/],
    ['drop-watch=0s', /interval must be greater than 0/],
  ])('rejects %s with a one-line message', (spec, message) => {
    let error: Error | undefined;
    try {
      parseFaultSpec(spec);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).toMatch(/^invalid fault spec "/);
    expect(error?.message.includes('\n')).toBe(false);
  });
});

describe('fault controller', () => {
  const targets = () => {
    const calls = { drop: 0, expire: 0, restart: 0 };
    return {
      calls,
      targets: {
        dropWatches: () => ++calls.drop,
        expireResourceVersions: () => void calls.expire++,
        restartApiServer: async () => void calls.restart++,
      },
    };
  };

  it('picks 429 and 500 by rate from the random source', () => {
    const { targets: t } = targets();
    const faults = createFaultController(t, 'throttle-rate=0.5,error-rate=0.5');
    expect(faults.pick(() => 0.1)).toEqual({ code: 429, retryAfterSeconds: 1 });
    const rolls = [0.9, 0.2];
    expect(faults.pick(() => rolls.shift()!)).toEqual({ code: 500 });
    expect(faults.pick(() => 0.9)).toBeUndefined();
    faults.clear();
    expect(faults.pick(() => 0)).toBeUndefined();
    faults.stop();
  });

  it('answers every request during a burst with its code, then nothing', async () => {
    const { targets: t } = targets();
    const faults = createFaultController(t);
    faults.burst({ forMs: 60_000, code: 503, retryAfterSeconds: 2 });
    expect(faults.bursting()).toBe(true);
    // A burst ignores the random source: every request fails.
    expect(faults.pick(() => 0.99)).toEqual({ code: 503, retryAfterSeconds: 2 });
    faults.burst({ forMs: 60_000, code: 429 });
    expect(faults.pick(() => 0.99)).toEqual({ code: 429, retryAfterSeconds: 1 });
    faults.burst({ forMs: 0 });
    expect(faults.pick(() => 0.99)).toBeUndefined();
    expect(faults.bursting()).toBe(false);
    faults.burst({ forMs: 60_000 });
    expect(faults.pick(() => 0.99)).toEqual({ code: 500 });
    faults.clear();
    expect(faults.pick(() => 0)).toBeUndefined();
  });

  it('parses periodic bursts and the 429 Retry-After, and starts bursts on a timer', async () => {
    expect(parseFaultSpec('burst-every=20s,burst-for=3s,burst-code=503,throttle-rate=0.1,retry-after=4')).toEqual({
      burstEveryMs: 20_000,
      burstForMs: 3000,
      burstCode: 503,
      throttleRate: 0.1,
      retryAfterSeconds: 4,
    });
    expect(() => parseFaultSpec('burst-code=404')).toThrow(/invalid burst-code "404"/);
    const { targets: t } = targets();
    const throttled = createFaultController(t, 'throttle-rate=1,retry-after=3s');
    expect(throttled.pick(() => 0)).toEqual({ code: 429, retryAfterSeconds: 3 });
    const faults = createFaultController(t, 'burst-every=20ms,burst-for=10s,burst-code=503');
    const deadline = Date.now() + 5000;
    while (!faults.bursting() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(faults.pick(() => 0.99)).toEqual({ code: 503 });
    faults.clear();
    expect(faults.bursting()).toBe(false);
  });

  it('expires every watch: history dropped first, then the connections cut', () => {
    const order: string[] = [];
    const faults = createFaultController({
      dropWatches: (abrupt) => (order.push(`drop abrupt=${abrupt}`), 3),
      expireResourceVersions: () => void order.push('expire'),
      restartApiServer: async () => undefined,
    });
    expect(faults.expireWatches()).toBe(3);
    expect(order).toEqual(['expire', 'drop abrupt=true']);
  });

  it('drops watches and expires resourceVersions periodically until cleared', async () => {
    const { calls, targets: t } = targets();
    const faults = createFaultController(t, 'drop-watch=30ms,expire-rv=30ms');
    const deadline = Date.now() + 5000;
    while ((calls.drop < 2 || calls.expire < 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(calls.drop).toBeGreaterThanOrEqual(2);
    expect(calls.expire).toBeGreaterThanOrEqual(2);
    faults.clear();
    const after = { ...calls };
    await new Promise((r) => setTimeout(r, 100)); // nothing may fire once cleared
    expect(calls.drop).toBe(after.drop);
    expect(calls.expire).toBe(after.expire);
  });
});
