/**
 * The Prometheus adapter and the analysis runner against the REAL Prometheus (started here on a free port,
 * scraping a test exporter every second). Checks measure every second so the whole file takes seconds.
 */
import { buildChecks, parseCondition, type AnalysisCheck, type CheckInput } from '../../src/domain/analysis/index.js';
import { createPrometheusSource, parsePrometheusUrl } from '../../src/metrics/prometheus.js';
import { systemClock } from '../../src/ports/clock.js';
import { MetricsError, type MetricsSource } from '../../src/ports/metrics.js';
import { startMetricAnalysis, type MetricResult } from '../../src/services/metric-analysis.js';
import { startExporter, startPrometheus, type Exporter, type TestPrometheus } from './prometheus-harness.js';

let exporter: Exporter;
let prom: TestPrometheus;
let source: MetricsSource;

beforeAll(async () => {
  exporter = await startExporter();
  exporter.set('web', 0.01);
  prom = await startPrometheus(exporter.port);
  await prom.waitForSeries('app_error_ratio{release="web"}');
  source = createPrometheusSource(parsePrometheusUrl(prom.url), { timeoutMs: 5000 });
});

afterAll(async () => {
  await prom?.stop();
  await exporter?.close();
});

const check = (input: Partial<CheckInput> & { query: string }): AnalysisCheck[] => {
  const failIf = parseCondition('> 0.05');
  if (!failIf.ok) throw new Error(failIf.message);
  const r = buildChecks([{ name: 'error-rate', failIf: failIf.condition, intervalMs: 1000, ...input }]);
  if (!r.ok) throw new Error(r.message);
  return r.checks;
};

/** Runs the analysis until `done` holds for a result; returns every result so far. */
function runUntil(checks: AnalysisCheck[], done: (r: MetricResult) => boolean, options = {}, onEach?: (r: MetricResult) => void) {
  const results: MetricResult[] = [];
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const analysis = startMetricAnalysis({ metrics: source, clock: systemClock }, checks, { release: 'web', namespace: 'prod', revision: 2 }, (r) => {
    results.push(r);
    onEach?.(r);
    if (done(r)) finish();
  }, options);
  return { results, analysis, finished: finished.then(() => (analysis.stop(), results)) };
}

describe('Prometheus adapter (real Prometheus)', () => {
  it('decodes an instant vector with its labels', async () => {
    const r = await source.instantQuery('app_error_ratio{release="web"}');
    expect(r.resultType).toBe('vector');
    if (r.resultType !== 'vector') return;
    expect(r.samples).toHaveLength(1);
    expect(r.samples[0]!.labels).toMatchObject({ __name__: 'app_error_ratio', release: 'web', job: 'app' });
    expect(r.samples[0]!.value).toBeCloseTo(0.01);
  });

  it('decodes scalars, NaN and range vectors', async () => {
    expect(await source.instantQuery('scalar(vector(2))')).toEqual({ resultType: 'scalar', value: 2 });
    const nan = await source.instantQuery('vector(0) / 0 * 0 + NaN');
    expect(nan.resultType === 'vector' && Number.isNaN(nan.samples[0]!.value)).toBe(true);
    expect(await source.instantQuery('app_error_ratio[1m]')).toEqual({ resultType: 'matrix' });
  });

  it('turns a bad query into one line naming the problem', async () => {
    const err = await source.instantQuery('rate(app_error_ratio[1m]').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MetricsError);
    expect((err as MetricsError).kind).toBe('rejected');
    expect((err as MetricsError).message).toMatch(new RegExp(`^Prometheus at ${prom.url} rejected the query \\(HTTP 400\\): bad_data: .*parse error`));
    expect((err as MetricsError).message).not.toContain('\n');
  });
});

describe('metric analysis runner (real Prometheus)', () => {
  it('error rate raised: the check fails after the failure limit (3 failed measurements in a row)', async () => {
    let raisedAt = 0;
    const run = runUntil(check({ query: 'app_error_ratio{release="{{release}}"}' }), (r) => r.status === 'failed', {}, (r) => {
      // raise the error rate once a healthy measurement has been seen
      if (raisedAt === 0 && r.outcome === 'pass') {
        raisedAt = Date.now();
        exporter.set('web', 0.5);
      }
    });
    const results = await run.finished;
    exporter.set('web', 0.01);
    expect(results[0]).toMatchObject({ outcome: 'pass', status: 'ok', query: 'app_error_ratio{release="web"}' });
    const last = results[results.length - 1]!;
    expect(last).toMatchObject({ status: 'failed', consecutiveFailures: 3, outcome: 'fail', value: 0.5, message: '0.5 > 0.05' });
    expect(results.slice(-3).map((r) => r.outcome)).toEqual(['fail', 'fail', 'fail']);
    expect(results.filter((r) => r.status === 'failed')).toHaveLength(1);
    expect(results.every((r) => r.at.getTime() >= raisedAt || r.outcome === 'pass')).toBe(true);
  });

  it('a query that returns nothing is inconclusive, never failed', async () => {
    const results = await runUntil(check({ query: 'app_error_ratio{release="nope"}', inconclusiveLimit: 2 }), (r) => r.status === 'inconclusive').finished;
    expect(results.map((r) => [r.outcome, r.status])).toEqual([
      ['inconclusive', 'ok'],
      ['inconclusive', 'inconclusive'],
    ]);
    expect(results[1]!.message).toBe('no data (empty result counts as inconclusive)');
  });

  it('Prometheus stopped: errors are retried, then the check is inconclusive, not failed', async () => {
    let stopping: Promise<void> | undefined;
    const results = await runUntil(
      check({ query: 'app_error_ratio{release="web"}', failureLimit: 1 }),
      (r) => r.status === 'inconclusive',
      { errorRetryMs: 200 },
      (r) => {
        // stop Prometheus after the first good measurement
        if (stopping === undefined && r.outcome === 'pass') stopping = prom.stop();
      },
    ).finished;
    await stopping;
    expect(results[0]).toMatchObject({ outcome: 'pass', status: 'ok' });
    // a measurement may still reach the server while it shuts down; after that, only errors
    expect(results.every((r) => r.outcome === 'pass' || r.outcome === 'error')).toBe(true);
    expect(results.slice(-4).map((r) => [r.outcome, r.status])).toEqual([
      ['error', 'ok'],
      ['error', 'ok'],
      ['error', 'ok'],
      ['error', 'inconclusive'],
    ]);
    expect(results[results.length - 1]!.message).toBe(`Prometheus at ${prom.url} is unreachable: connection refused`);
  });
});
