import { buildChecks, parseCondition, type AnalysisCheck, type CheckInput, type QueryResult } from '../../src/domain/analysis/index.js';
import { MetricsError, type MetricsSource } from '../../src/ports/metrics.js';
import { metricsStarter, startMetricAnalysis, toWatchdogMetric, type MetricResult } from '../../src/services/metric-analysis.js';
import { FakeClock } from './upgrade-fakes.js';

const vec = (...values: number[]): QueryResult => ({ resultType: 'vector', samples: values.map((value) => ({ labels: {}, value })) });

/** A metrics source answering from a script per query; `undefined` in the script means "unreachable". */
class ScriptedMetrics implements MetricsSource {
  readonly queries: string[] = [];
  constructor(private readonly script: Record<string, Array<QueryResult | 'down' | 'hang'>>) {}
  instantQuery(promql: string, _at?: Date, signal?: AbortSignal): Promise<QueryResult> {
    this.queries.push(promql);
    const next = this.script[promql]?.shift() ?? 'down';
    if (next === 'down') return Promise.reject(new MetricsError('Prometheus at http://p:9090 is unreachable: connection refused', 'unreachable'));
    if (next === 'hang') return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    return Promise.resolve(next);
  }
}

const checks = (...inputs: Array<Partial<CheckInput> & { name: string; query: string }>): AnalysisCheck[] => {
  const failIf = parseCondition('> 0.05');
  if (!failIf.ok) throw new Error('bad');
  const r = buildChecks(inputs.map((i) => ({ failIf: failIf.condition, intervalMs: 30_000, ...i })));
  if (!r.ok) throw new Error(r.message);
  return r.checks;
};

const vars = { release: 'web', namespace: 'prod', revision: 4 };

/** Runs the analysis and lets the test await results one by one. */
function harness(metrics: MetricsSource, list: AnalysisCheck[], options = {}) {
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const results: MetricResult[] = [];
  let waiters: Array<() => void> = [];
  const analysis = startMetricAnalysis({ metrics, clock }, list, vars, (r) => {
    results.push(r);
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  }, options);
  /** Resolves once `n` results in total have arrived. */
  const until = async (n: number) => {
    while (results.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return results;
  };
  return { clock, results, analysis, until };
}

describe('startMetricAnalysis', () => {
  it('measures at once, then every interval, with placeholders substituted', async () => {
    const q = 'rate(errors{release="web",namespace="prod",revision="4"}[1m])';
    const metrics = new ScriptedMetrics({ [q]: [vec(0.01), vec(0.02)] });
    const h = harness(metrics, checks({ name: 'errors', query: 'rate(errors{release="{{release}}",namespace="{{namespace}}",revision="{{revision}}"}[1m])' }));
    await h.until(1);
    expect(h.results[0]).toMatchObject({ check: 'errors', query: q, outcome: 'pass', value: 0.01, status: 'ok', failIf: '> 0.05', failureLimit: 3 });
    h.clock.advance(29_999);
    await Promise.resolve();
    expect(h.results).toHaveLength(1);
    h.clock.advance(1);
    await h.until(2);
    expect(h.results[1]).toMatchObject({ outcome: 'pass', value: 0.02, at: new Date('2026-01-01T00:00:30Z') });
    h.analysis.stop();
  });

  it('fails a check after the failure limit of consecutive failed measurements', async () => {
    const metrics = new ScriptedMetrics({ q: [vec(0.1), vec(0.01), vec(0.1), vec(0.2), vec(0.3)] });
    const h = harness(metrics, checks({ name: 'errors', query: 'q' }));
    for (let i = 1; i <= 5; i += 1) {
      await h.until(i);
      if (i < 5) h.clock.advance(30_000);
    }
    expect(h.results.map((r) => [r.outcome, r.status, r.consecutiveFailures])).toEqual([
      ['fail', 'ok', 1],
      ['pass', 'ok', 0],
      ['fail', 'ok', 1],
      ['fail', 'ok', 2],
      ['fail', 'failed', 3],
    ]);
    h.analysis.stop();
  });

  it('retries errors every 10 s, and after 4 in a row the check is inconclusive, not failed', async () => {
    const metrics = new ScriptedMetrics({ q: ['down', 'down', 'down', 'down', 'down', vec(0.01)] });
    const h = harness(metrics, checks({ name: 'errors', query: 'q' }));
    const t0 = h.clock.now().getTime();
    const gaps = [10_000, 10_000, 10_000, 30_000, 30_000];
    for (let i = 1; i <= 6; i += 1) {
      await h.until(i);
      if (i <= gaps.length) h.clock.advance(gaps[i - 1]!);
    }
    expect(h.results.map((r) => [r.outcome, r.status, (r.at.getTime() - t0) / 1000])).toEqual([
      ['error', 'ok', 0],
      ['error', 'ok', 10],
      ['error', 'ok', 20],
      ['error', 'inconclusive', 30],
      ['error', 'inconclusive', 60],
      ['pass', 'ok', 90],
    ]);
    expect(h.results[0]!.message).toBe('Prometheus at http://p:9090 is unreachable: connection refused');
    h.analysis.stop();
  });

  it('an empty result is inconclusive by default, after the inconclusive limit', async () => {
    const metrics = new ScriptedMetrics({ q: [vec(), vec(), vec()] });
    const h = harness(metrics, checks({ name: 'errors', query: 'q', inconclusiveLimit: 3 }));
    for (let i = 1; i <= 3; i += 1) {
      await h.until(i);
      h.clock.advance(30_000);
    }
    expect(h.results.map((r) => [r.outcome, r.status])).toEqual([
      ['inconclusive', 'ok'],
      ['inconclusive', 'ok'],
      ['inconclusive', 'inconclusive'],
    ]);
    h.analysis.stop();
  });

  it('runs checks on their own schedules', async () => {
    const metrics = new ScriptedMetrics({ a: [vec(0), vec(0), vec(0)], b: [vec(1), vec(1)] });
    const h = harness(metrics, checks({ name: 'a', query: 'a', intervalMs: 10_000 }, { name: 'b', query: 'b', intervalMs: 20_000 }));
    await h.until(2);
    h.clock.advance(10_000);
    await h.until(3);
    h.clock.advance(10_000);
    await h.until(5);
    expect(h.results.map((r) => r.check).sort()).toEqual(['a', 'a', 'a', 'b', 'b']);
    expect(h.analysis.states().get('b')).toMatchObject({ status: 'ok', consecutiveFailures: 2 });
    h.analysis.stop();
  });

  it('stop() abandons an in-flight query, reports nothing more and leaves no timer', async () => {
    const metrics = new ScriptedMetrics({ q: [vec(0), 'hang'] });
    const h = harness(metrics, checks({ name: 'errors', query: 'q' }));
    await h.until(1);
    h.clock.advance(30_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(metrics.queries).toHaveLength(2);
    h.analysis.stop();
    await new Promise((resolve) => setImmediate(resolve));
    h.clock.advance(120_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.results).toHaveLength(1);
    expect(metrics.queries).toHaveLength(2);
    expect(h.clock.pending).toBe(0);
  });

  it('a throwing subscriber does not stop the analysis', async () => {
    const metrics = new ScriptedMetrics({ q: [vec(0), vec(0)] });
    const clock = new FakeClock(0);
    let calls = 0;
    let second: () => void = () => {};
    const done = new Promise<void>((resolve) => (second = resolve));
    const a = startMetricAnalysis({ metrics, clock }, checks({ name: 'x', query: 'q' }), vars, () => {
      calls += 1;
      if (calls === 2) second();
      throw new Error('subscriber bug');
    });
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(30_000);
    await done;
    expect(calls).toBe(2);
    a.stop();
  });
});

describe('the watchdog hook', () => {
  it('maps results to the watchdog shape (value absent when there is none)', () => {
    const r: MetricResult = { check: 'c', query: 'q', at: new Date(0), outcome: 'inconclusive', value: null, message: 'no data', failIf: '> 1', status: 'ok', consecutiveFailures: 0, failureLimit: 3, consecutiveErrors: 0 };
    expect(toWatchdogMetric(r)).toEqual({ check: 'c', outcome: 'inconclusive', status: 'ok', condition: '> 1', message: 'no data' });
    expect(toWatchdogMetric({ ...r, outcome: 'fail', value: 2 })).toMatchObject({ value: 2, outcome: 'fail' });
  });

  it('metricsStarter starts the checks with the placeholders and its return value stops them', async () => {
    const metrics = new ScriptedMetrics({ 'x{r="web"}': [vec(2), vec(2)] });
    const clock = new FakeClock(0);
    const seen: unknown[] = [];
    let first: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (first = resolve));
    const stop = metricsStarter({ metrics, clock }, checks({ name: 'c', query: 'x{r="{{release}}"}' }), vars)((r) => (seen.push(r), first()));
    await arrived;
    expect(seen).toEqual([{ check: 'c', outcome: 'fail', status: 'ok', condition: '> 0.05', message: '2 > 0.05', value: 2 }]);
    stop();
    clock.advance(60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });
});
