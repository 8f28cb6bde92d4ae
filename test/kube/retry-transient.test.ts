import { ApiException } from '@kubernetes/client-node';
import { resetAnsweredOnce, retryTransient, transientRetryAfterMs } from '../../src/kube/errors.js';

/** A client-node ApiException as the generated clients throw it for an HTTP error. */
const api = (code: number, headers: Record<string, string> = {}, body = '{"kind":"Status"}') => new ApiException(code, 'failed', body, headers);
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });

/** Fake time: sleeps advance the clock at once and are recorded. */
function fakeTiming() {
  let t = 0;
  const sleeps: number[] = [];
  return { sleeps, advance: (ms: number) => void (t += ms), timing: { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)) } };
}

/** A call that fails with `errors` in turn, then returns 'ok'. */
function failing(errors: unknown[]) {
  let calls = 0;
  return {
    calls: () => calls,
    call: async () => {
      calls++;
      const e = errors.shift();
      if (e !== undefined) throw e;
      return 'ok';
    },
  };
}

describe('retryTransient: riding out 5xx bursts, throttling and API server restarts', () => {
  beforeEach(() => resetAnsweredOnce());

  it.each([
    ['a read on 500', 'list', 500, 0],
    ['a read on 502', 'get', 502, 0],
    ['a read on 504', 'watch', 504, 0],
    ['any verb on 503', 'create', 503, 0],
    ['any verb on 429', 'update', 429, 0],
  ])('retries %s', (_, verb, code, after) => {
    expect(transientRetryAfterMs(api(code), verb)).toBe(after);
  });

  it.each([
    ['a write on 500 (it may have been applied)', 'create', 500],
    ['404', 'get', 404],
    ['403', 'list', 403],
    ['409', 'update', 409],
    ['400', 'create', 400],
  ])('does not retry %s', (_, verb, code) => {
    expect(transientRetryAfterMs(api(code), verb)).toBeUndefined();
  });

  it('honours Retry-After from the header or the Status details, capped at 10 s', () => {
    expect(transientRetryAfterMs(api(429, { 'retry-after': '2' }), 'list')).toBe(2000);
    expect(transientRetryAfterMs(api(429, {}, '{"kind":"Status","details":{"retryAfterSeconds":3}}'), 'list')).toBe(3000);
    expect(transientRetryAfterMs(api(503, { 'retry-after': '120' }), 'get')).toBe(10_000);
  });

  it('retries connection refused for 5 s on a server that never answered (a wrong URL fails soon), for the whole budget once it answered (a restart)', async () => {
    const { sleeps, timing } = fakeTiming();
    const never = failing(Array.from({ length: 100 }, refused));
    await expect(retryTransient('get', never.call, { server: 'a', timing })).rejects.toThrow(/ECONNREFUSED/);
    // The whole 5 s are used (200 + 400 + 800 + 1600 ms, then the 2 s pause cut to the 2 s left), the last try at its end.
    expect(sleeps).toEqual([200, 400, 800, 1600, 2000]);
    await retryTransient('get', async () => 'answered', { server: 'a', timing });
    const later = failing(Array.from({ length: 8 }, refused));
    await expect(retryTransient('get', later.call, { server: 'a', timing })).resolves.toBe('ok');
    expect(later.calls()).toBe(9);
    // Another server that never answered still gets the short wait only.
    const { sleeps: s2, timing: t2 } = fakeTiming();
    await expect(retryTransient('get', failing(Array.from({ length: 100 }, refused)).call, { server: 'b', timing: t2 })).rejects.toThrow(/ECONNREFUSED/);
    expect(s2.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5000);
  });

  it('tries until the budget is spent, the last pause cut to what is left: a restart of a few seconds at start-up is ridden out', async () => {
    const { sleeps, advance, timing } = fakeTiming();
    // Every try takes 100 ms before it is refused.
    const slow = failing(Array.from({ length: 100 }, refused));
    const call = () => (advance(100), slow.call());
    await expect(retryTransient('get', call, { server: 'slow', timing })).rejects.toThrow(/ECONNREFUSED/);
    // Tries at 0, 0.3, 0.8, 1.7 and 3.4 s; 1.5 s of the 5 s are left after the fifth, so a last try at 5 s.
    expect(sleeps).toEqual([200, 400, 800, 1600, 1500]);
    expect(slow.calls()).toBe(6);
  });

  it('a server that accepted a connection and cut it (a restart under way) has answered: its refusals get the whole budget', async () => {
    const { timing } = fakeTiming();
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const restarting = failing([reset, ...Array.from({ length: 8 }, refused)]);
    await expect(retryTransient('get', restarting.call, { server: 'r', timing })).resolves.toBe('ok');
    expect(restarting.calls()).toBe(10);
  });

  it('retries a cut answer (node-fetch "Premature close") or a reset of a read, not of a write', () => {
    const cut = Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(transientRetryAfterMs(cut, 'list', 'c')).toBe(0);
    expect(transientRetryAfterMs(reset, 'get', 'c')).toBe(0);
    expect(transientRetryAfterMs(cut, 'create', 'c')).toBeUndefined();
    expect(transientRetryAfterMs(reset, 'update', 'c')).toBeUndefined();
  });

  it('backs off from 200 ms doubling to 2 s, waits at least Retry-After, and gives up after the budget', async () => {
    const { sleeps, timing } = fakeTiming();
    const burst = failing([api(500), api(503), api(429, { 'retry-after': '1' }), api(500), api(500), api(500)]);
    await expect(retryTransient('list', burst.call, { timing })).resolves.toBe('ok');
    expect(sleeps).toEqual([200, 400, 1000, 1600, 2000, 2000]);

    const { sleeps: s2, timing: t2 } = fakeTiming();
    const endless = failing(Array.from({ length: 100 }, () => api(503)));
    await expect(retryTransient('list', endless.call, { budgetMs: 5000, timing: t2 })).rejects.toMatchObject({ code: 503 });
    expect(s2.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5000);
    expect(endless.calls()).toBe(s2.length + 1);
  });

  it('throws a lasting error at once', async () => {
    const { sleeps, timing } = fakeTiming();
    const forbidden = failing([api(403)]);
    await expect(retryTransient('list', forbidden.call, { timing })).rejects.toMatchObject({ code: 403 });
    expect(sleeps).toEqual([]);
  });
});
