import {
  analysisWantsRollback,
  buildChecks,
  conditionHolds,
  foldMeasurement,
  formatLabels,
  formatValue,
  INITIAL_CHECK_STATE,
  judgeResult,
  nextMeasurementDelayMs,
  parseCondition,
  parseSampleValue,
  renderQuery,
  unknownPlaceholders,
  type CheckState,
  type Condition,
  type EmptyVerdict,
  type Measurement,
  type MeasurementOutcome,
  type QueryResult,
} from '../../../src/domain/analysis/index.js';

const cond = (text: string): Condition => {
  const r = parseCondition(text);
  if (!r.ok) throw new Error(r.message);
  return r.condition;
};

describe('parseCondition', () => {
  it.each([
    ['> 0.05', '>', 0.05, '> 0.05'],
    ['>=1', '>=', 1, '>= 1'],
    ['  <  0.99 ', '<', 0.99, '< 0.99'],
    ['<= -2', '<=', -2, '<= -2'],
    ['== 0', '==', 0, '== 0'],
    ['!= 0', '!=', 0, '!= 0'],
    ['> 1e-3', '>', 0.001, '> 1e-3'],
    ['> +5', '>', 5, '> 5'],
    ['> .5', '>', 0.5, '> .5'],
  ])('%s', (text, op, threshold, canonical) => {
    expect(parseCondition(text)).toEqual({ ok: true, condition: { op, threshold, text: canonical } });
  });

  it.each(['', '0.05', '>', '=> 1', '= 1', '> abc', '> 1 2', '>> 1', '> NaN', 'gt 1'])('rejects %p with the fix', (text) => {
    const r = parseCondition(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/write one of > >= < <= == != followed by a number, e.g. '> 0.05'/);
  });
});

describe('conditionHolds', () => {
  it.each([
    ['> 0.05', 0.06, true],
    ['> 0.05', 0.05, false],
    ['>= 1', 1, true],
    ['>= 1', 0.999, false],
    ['< 0.99', 0.98, true],
    ['< 0.99', 0.99, false],
    ['<= 0', 0, true],
    ['== 0', 0, true],
    ['== 0', 1, false],
    ['!= 0', 1, true],
    ['!= 0', 0, false],
    ['> 0', Infinity, true],
    ['< 0', -Infinity, true],
    ['> 0', Number.NaN, false],
    ['!= 0', Number.NaN, false],
  ])('%s on %p is %p', (text, value, expected) => {
    expect(conditionHolds(cond(text), value)).toBe(expected);
  });
});

describe('query placeholders', () => {
  const vars = { release: 'web', namespace: 'prod', revision: 7 };
  it.each([
    ['rate(errors{release="{{release}}"}[1m])', 'rate(errors{release="web"}[1m])'],
    ['x{ns="{{ namespace }}",rev="{{revision}}"}', 'x{ns="prod",rev="7"}'],
    ['ALERTS{alertstate="firing",namespace="{{namespace}}"}', 'ALERTS{alertstate="firing",namespace="prod"}'],
    ['{{release}}-{{release}}', 'web-web'],
    ['no placeholders', 'no placeholders'],
    ['left {{other}} alone', 'left {{other}} alone'],
  ])('%s', (query, expected) => {
    expect(renderQuery(query, vars)).toBe(expected);
  });

  it.each([
    ['up{job="{{job}}"}', ['job']],
    ['{{ release }} {{pod}} {{pod}} {{}}', ['pod', '']],
    ['{{release}}{{namespace}}{{revision}}', []],
  ])('unknownPlaceholders(%s)', (query, expected) => {
    expect(unknownPlaceholders(query)).toEqual(expected);
  });
});

describe('buildChecks', () => {
  const base = { name: 'errors', query: 'x', failIf: cond('> 1') };
  it('fills the documented defaults', () => {
    expect(buildChecks([base])).toEqual({
      ok: true,
      checks: [{ ...base, intervalMs: 30_000, failureLimit: 3, inconclusiveLimit: 3, onEmpty: 'inconclusive' }],
    });
  });
  it('keeps given values', () => {
    const r = buildChecks([{ ...base, intervalMs: 5000, failureLimit: 1, inconclusiveLimit: 2, onEmpty: 'pass' }]);
    expect(r.ok && r.checks[0]).toMatchObject({ intervalMs: 5000, failureLimit: 1, inconclusiveLimit: 2, onEmpty: 'pass' });
  });
  it.each([
    ['a duplicate name', [base, base], /check name "errors" is used twice/],
    ['a bad name', [{ ...base, name: 'a b' }], /check name "a b" must be letters/],
    ['an empty query', [{ ...base, query: '  ' }], /check "errors": the query is empty/],
    ['an unknown placeholder', [{ ...base, query: 'x{a="{{app}}"}' }], /unknown placeholder \{\{app\}\} in the query; use \{\{release\}\}/],
    ['a too short interval', [{ ...base, intervalMs: 500 }], /interval must be at least 1s/],
    ['a zero failure limit', [{ ...base, failureLimit: 0 }], /failureLimit must be a whole number >= 1, got 0/],
    ['a fractional inconclusive limit', [{ ...base, inconclusiveLimit: 1.5 }], /inconclusiveLimit must be a whole number >= 1, got 1.5/],
  ])('rejects %s', (_name, inputs, message) => {
    const r = buildChecks(inputs);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

const vec = (...values: number[]): QueryResult => ({
  resultType: 'vector',
  samples: values.map((value, i) => ({ labels: { __name__: 'err', pod: `p${i}` }, value })),
});

describe('judgeResult', () => {
  it.each<[string, QueryResult, string, EmptyVerdict, MeasurementOutcome, number | null, string | undefined, RegExp]>([
    ['one series above the threshold fails', vec(0.1), '> 0.05', 'inconclusive', 'fail', 0.1, 'err{pod="p0"}', /^0\.1 > 0\.05$/],
    ['one series below passes', vec(0.01), '> 0.05', 'inconclusive', 'pass', 0.01, 'err{pod="p0"}', /^0\.01 not > 0\.05$/],
    ['an empty vector is inconclusive by default', vec(), '> 0.05', 'inconclusive', 'inconclusive', null, undefined, /no data \(empty result counts as inconclusive\)/],
    ['an empty vector may count as a pass', vec(), '> 0', 'pass', 'pass', null, undefined, /counts as a pass/],
    ['an empty vector may count as a failure', vec(), '> 0', 'fail', 'fail', null, undefined, /counts as a failure/],
    ['NaN is inconclusive', vec(Number.NaN), '> 0.05', 'pass', 'inconclusive', Number.NaN, 'err{pod="p0"}', /NaN counts as inconclusive/],
    ['every series must pass: one of three fails', vec(0.01, 0.2, 0.1), '> 0.05', 'inconclusive', 'fail', 0.2, 'err{pod="p1"}', /^0\.2 > 0\.05 \(2 of 3 series\)$/],
    ['all series pass: reports the closest to failing', vec(0.01, 0.04, 0.02), '> 0.05', 'inconclusive', 'pass', 0.04, 'err{pod="p1"}', /0\.04 not > 0\.05 \(3 series\)/],
    ['a failing series wins over a NaN one', vec(Number.NaN, 0.5), '> 0.05', 'inconclusive', 'fail', 0.5, 'err{pod="p1"}', /0\.5 > 0\.05/],
    ['a NaN series with the rest passing is inconclusive', vec(0.01, Number.NaN), '> 0.05', 'inconclusive', 'inconclusive', Number.NaN, 'err{pod="p1"}', /NaN \(2 series\)/],
    ['lower-is-bad conditions pick the lowest', vec(0.999, 0.95), '< 0.99', 'inconclusive', 'fail', 0.95, 'err{pod="p1"}', /0\.95 < 0\.99/],
    ['+Inf compares as a number', vec(Infinity), '> 100', 'inconclusive', 'fail', Infinity, 'err{pod="p0"}', /\+Inf > 100/],
    ['== 0 fails on zero', vec(0), '== 0', 'inconclusive', 'fail', 0, 'err{pod="p0"}', /0 == 0/],
    ['a scalar is judged like one series', { resultType: 'scalar', value: 2 }, '>= 1', 'inconclusive', 'fail', 2, undefined, /^2 >= 1$/],
    ['a NaN scalar is inconclusive', { resultType: 'scalar', value: Number.NaN }, '>= 1', 'pass', 'inconclusive', Number.NaN, undefined, /NaN/],
    ['a range vector is an error', { resultType: 'matrix' }, '> 0', 'inconclusive', 'error', null, undefined, /returned a range vector; it must return an instant vector or a scalar/],
    ['a string is an error', { resultType: 'string' }, '> 0', 'inconclusive', 'error', null, undefined, /returned a string/],
  ])('%s', (_name, result, condition, onEmpty, outcome, value, series, message) => {
    const m = judgeResult(result, { failIf: cond(condition), onEmpty });
    expect(m.outcome).toBe(outcome);
    expect(m.value).toEqual(value);
    expect(m.series).toBe(series);
    expect(m.message).toMatch(message);
  });
});

const m = (outcome: MeasurementOutcome): Measurement => ({ outcome, value: null, message: outcome });
const check = { failureLimit: 3, inconclusiveLimit: 3, intervalMs: 30_000 };
/** Folds a compact outcome string: p pass, f fail, i inconclusive, e error. */
const run = (seq: string, c = check): CheckState =>
  [...seq].reduce((s, ch) => foldMeasurement(s, c, m(({ p: 'pass', f: 'fail', i: 'inconclusive', e: 'error' } as const)[ch as 'p']!)), INITIAL_CHECK_STATE);

describe('foldMeasurement: status from consecutive measurements', () => {
  it.each([
    ['nothing measured', '', 'ok', 0],
    ['passes', 'ppp', 'ok', 0],
    ['two failures are below the limit', 'ff', 'ok', 2],
    ['three failures in a row fail the check', 'fff', 'failed', 3],
    ['a pass in between resets the streak', 'ffpff', 'ok', 2],
    ['failed is final, a pass does not undo it', 'fffp', 'failed', 0],
    ['inconclusive results neither extend nor reset the failure streak', 'ffif', 'failed', 3],
    ['errors neither extend nor reset the failure streak', 'ffeef', 'failed', 3],
    ['three inconclusive in a row: inconclusive', 'iii', 'inconclusive', 0],
    ['a pass after inconclusive makes it ok again', 'iiip', 'ok', 0],
    ['a failure resets the inconclusive streak', 'iifi', 'ok', 1],
    ['three errors are still retried', 'eee', 'ok', 0],
    ['four errors in a row: inconclusive, never failed', 'eeee', 'inconclusive', 0],
    ['many errors stay inconclusive', 'eeeeeeee', 'inconclusive', 0],
    ['a judged measurement resets the error streak', 'eeepeee', 'ok', 0],
    ['an inconclusive measurement resets the error streak', 'eeeieee', 'ok', 0],
    ['failures beat inconclusive', 'iiifff', 'failed', 3],
  ])('%s (%s)', (_name, seq, status, failures) => {
    const s = run(seq);
    expect(s.status).toBe(status);
    expect(s.consecutiveFailures).toBe(failures);
    expect(s.measurements).toBe(seq.length);
  });

  it('honours the failure limit of the check', () => {
    expect(run('f', { ...check, failureLimit: 1 }).status).toBe('failed');
    expect(run('ffff', { ...check, failureLimit: 5 }).status).toBe('ok');
  });

  it('honours an error limit given by the policy', () => {
    expect(foldMeasurement(INITIAL_CHECK_STATE, check, m('error'), { errorLimit: 1 }).status).toBe('inconclusive');
  });

  it('does not change its input', () => {
    const before = run('ff');
    const copy = { ...before };
    foldMeasurement(before, check, m('fail'));
    expect(before).toEqual(copy);
  });
});

describe('nextMeasurementDelayMs', () => {
  const policy = { errorRetryMs: 10_000, errorLimit: 4 };
  it.each([
    ['before the first measurement', '', 30_000],
    ['after a pass', 'p', 30_000],
    ['after a failure', 'f', 30_000],
    ['after an error: retry after 10 s', 'e', 10_000],
    ['after the third error in a row: retry', 'eee', 10_000],
    ['after the fourth error: back to the interval', 'eeee', 30_000],
  ])('%s', (_name, seq, expected) => {
    expect(nextMeasurementDelayMs(run(seq), check, policy)).toBe(expected);
  });
  it('never waits longer than the interval to retry', () => {
    expect(nextMeasurementDelayMs(run('e'), { intervalMs: 2000 }, policy)).toBe(2000);
  });
});

describe('analysisWantsRollback', () => {
  const s = (name: string, status: 'ok' | 'failed' | 'inconclusive') => ({ name, status });
  it.each([
    ['all ok', [s('a', 'ok'), s('b', 'ok')], 'ignore', undefined],
    ['a failed check', [s('a', 'ok'), s('b', 'failed')], 'ignore', { reason: 'failed', checks: ['b'] }],
    ['inconclusive is ignored by default', [s('a', 'inconclusive')], 'ignore', undefined],
    ['inconclusive rolls back when asked', [s('a', 'inconclusive'), s('b', 'ok')], 'rollback', { reason: 'inconclusive', checks: ['a'] }],
    ['failed wins over inconclusive', [s('a', 'inconclusive'), s('b', 'failed')], 'rollback', { reason: 'failed', checks: ['b'] }],
    ['no checks', [], 'rollback', undefined],
  ] as const)('%s', (_name, statuses, policy, expected) => {
    expect(analysisWantsRollback(statuses, policy)).toEqual(expected);
  });
});

describe('formatting and parsing values', () => {
  it.each([
    ['NaN', Number.NaN],
    ['+Inf', Infinity],
    ['Inf', Infinity],
    ['-Inf', -Infinity],
    ['0.05', 0.05],
    ['1e3', 1000],
    ['', undefined],
    ['abc', undefined],
  ])('parseSampleValue(%p)', (text, expected) => {
    expect(parseSampleValue(text)).toEqual(expected);
  });
  it.each([
    [null, '-'],
    [Number.NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [3, '3'],
    [0.123456, '0.1235'],
  ])('formatValue(%p)', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });
  it('formats labels like Prometheus', () => {
    expect(formatLabels({ pod: 'b', __name__: 'up', job: 'a' })).toBe('up{job="a", pod="b"}');
    expect(formatLabels({})).toBe('');
    expect(formatLabels({ job: 'a' })).toBe('{job="a"}');
  });
});
