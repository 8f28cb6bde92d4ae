import { parseAnalysisFlags, parseNotifyFlags, type AnalysisFlagValues } from '../../src/cli/analysis-flags.js';
import { UsageError } from '../../src/errors/errors.js';

const files: Record<string, string> = {
  'ok.yaml': `
- name: error-rate
  query: sum(rate(errors_total{namespace="{{namespace}}"}[1m]))
  failIf: "> 0.05"
  interval: 10s
  failureLimit: 2
- name: alerts
  query: ALERTS{alertstate="firing",namespace="{{namespace}}"}
  condition: "> 0"
  onEmpty: pass
  inconclusiveLimit: 5
`,
  'map.yaml': 'checks:\n  - {name: p99, query: "histogram_quantile(0.99, x)", failIf: "> 0.5", interval: 15}\n',
  'bad-yaml.yaml': '- name: a\n  query: [unclosed\n',
  'empty.yaml': '',
  'typo.yaml': '- {name: a, query: q, failIf: "> 1", failurelimit: 2}\n',
  'no-cond.yaml': '- {name: a, query: q}\n',
  'bad-cond.yaml': '- {name: a, query: q, failIf: "above 1"}\n',
  'bad-interval.yaml': '- {name: a, query: q, failIf: "> 1", interval: soon}\n',
  'bad-limit.yaml': '- {name: a, query: q, failIf: "> 1", failureLimit: 0}\n',
  'bad-empty.yaml': '- {name: a, query: q, failIf: "> 1", onEmpty: maybe}\n',
  'dup.yaml': '- {name: a, query: q, failIf: "> 1"}\n- {name: a, query: r, failIf: "> 1"}\n',
  'placeholder.yaml': '- {name: a, query: "x{pod=\\"{{pod}}\\"}", failIf: "> 1"}\n',
  'scalar.yaml': '42\n',
  'clash.yaml': '- {name: query-1, query: q, failIf: "> 1"}\n',
};
const readFile = (path: string): string => {
  if (!(path in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return files[path]!;
};
const parse = (flags: AnalysisFlagValues) => parseAnalysisFlags(flags, readFile);
const P = 'http://prom:9090';

describe('parseAnalysisFlags', () => {
  it('no analysis flags: no analysis', () => {
    expect(parse({ 'on-inconclusive': 'ignore' })).toBeUndefined();
  });

  it('--query/--fail-if pairs with the flag defaults', () => {
    const c = parse({ prometheus: P, query: ['a', 'b'], 'fail-if': ['> 0.05', '< 0.99'] })!;
    expect(c.prometheus.href).toBe('http://prom:9090/');
    expect(c.onInconclusive).toBe('ignore');
    expect(c.checks.map((x) => [x.name, x.query, x.failIf.text, x.intervalMs, x.failureLimit, x.inconclusiveLimit, x.onEmpty])).toEqual([
      ['query-1', 'a', '> 0.05', 30_000, 3, 3, 'inconclusive'],
      ['query-2', 'b', '< 0.99', 30_000, 3, 3, 'inconclusive'],
    ]);
  });

  it('one --fail-if applies to every --query; interval, limit, on-empty and on-inconclusive are taken', () => {
    const c = parse({ prometheus: P, query: ['a', 'b'], 'fail-if': ['>= 1'], 'query-interval': '5s', 'failure-limit': '2', 'on-empty': 'pass', 'on-inconclusive': 'rollback' })!;
    expect(c.checks.map((x) => [x.failIf.text, x.intervalMs, x.failureLimit, x.onEmpty])).toEqual([
      ['>= 1', 5000, 2, 'pass'],
      ['>= 1', 5000, 2, 'pass'],
    ]);
    expect(c.onInconclusive).toBe('rollback');
  });

  it('reads an --analysis file (list form), with defaults for what it leaves out', () => {
    const c = parse({ prometheus: P, analysis: 'ok.yaml' })!;
    expect(c.checks.map((x) => [x.name, x.failIf.text, x.intervalMs, x.failureLimit, x.inconclusiveLimit, x.onEmpty])).toEqual([
      ['error-rate', '> 0.05', 10_000, 2, 3, 'inconclusive'],
      ['alerts', '> 0', 30_000, 3, 5, 'pass'],
    ]);
  });

  it('reads the map form, an interval in seconds, and adds it to --query checks', () => {
    const c = parse({ prometheus: P, query: ['a'], 'fail-if': ['> 1'], analysis: 'map.yaml' })!;
    expect(c.checks.map((x) => [x.name, x.intervalMs])).toEqual([
      ['query-1', 30_000],
      ['p99', 15_000],
    ]);
  });

  it.each<[string, AnalysisFlagValues, RegExp]>([
    ['checks without --prometheus', { query: ['a'], 'fail-if': ['> 1'] }, /^metric checks need --prometheus URL \(e\.g\. --prometheus http/],
    ['a malformed --prometheus', { prometheus: 'prom:9090', query: ['a'], 'fail-if': ['> 1'] }, /^--prometheus must be an http:\/\/ or https:\/\/ URL/],
    ['--prometheus alone', { prometheus: P }, /^--prometheus needs at least one check \(add --query Q --fail-if '> 0\.05' or --analysis FILE\)/],
    ['--query without --fail-if', { prometheus: P, query: ['a'] }, /^every --query needs a --fail-if condition/],
    ['--fail-if without --query', { 'fail-if': ['> 1'] }, /^--fail-if needs a --query to apply to/],
    ['unpaired counts', { prometheus: P, query: ['a', 'b', 'c'], 'fail-if': ['> 1', '> 2'] }, /^3 --query but 2 --fail-if \(give one --fail-if for all queries, or one per --query/],
    ['a bad condition', { prometheus: P, query: ['a'], 'fail-if': ['above 5'] }, /^--fail-if: condition "above 5" is not OPERATOR NUMBER/],
    ['a bad interval', { prometheus: P, query: ['a'], 'fail-if': ['> 1'], 'query-interval': 'often' }, /^--query-interval "often" is not a duration/],
    ['a too short interval', { prometheus: P, query: ['a'], 'fail-if': ['> 1'], 'query-interval': '100ms' }, /interval must be at least 1s/],
    ['a bad failure limit', { prometheus: P, query: ['a'], 'fail-if': ['> 1'], 'failure-limit': '0' }, /^--failure-limit must be a whole number >= 1, got "0"/],
    ['an unknown placeholder', { prometheus: P, query: ['up{job="{{job}}"}'], 'fail-if': ['> 1'] }, /unknown placeholder \{\{job\}\}/],
    ['a missing file', { prometheus: P, analysis: 'missing.yaml' }, /^--analysis missing\.yaml cannot be read \(no such file\) \(give the path of a YAML file of checks\)/],
    ['a file that is not YAML', { prometheus: P, analysis: 'bad-yaml.yaml' }, /^--analysis bad-yaml\.yaml is not valid YAML \(line \d+: /],
    ['an empty file', { prometheus: P, analysis: 'empty.yaml' }, /^--analysis empty\.yaml has no checks/],
    ['a file of a scalar', { prometheus: P, analysis: 'scalar.yaml' }, /has no checks/],
    ['a misspelt field', { prometheus: P, analysis: 'typo.yaml' }, /^--analysis typo\.yaml: check 1 has an unknown field "failurelimit" \(fields are name, query, failIf/],
    ['a check without a condition', { prometheus: P, analysis: 'no-cond.yaml' }, /check 1 \("a"\) needs failIf/],
    ['a bad condition in the file', { prometheus: P, analysis: 'bad-cond.yaml' }, /check 1 \("a"\): condition "above 1" is not OPERATOR NUMBER/],
    ['a bad interval in the file', { prometheus: P, analysis: 'bad-interval.yaml' }, /check 1 interval "soon" is not a duration/],
    ['a bad limit in the file', { prometheus: P, analysis: 'bad-limit.yaml' }, /failureLimit must be a whole number >= 1/],
    ['a bad onEmpty', { prometheus: P, analysis: 'bad-empty.yaml' }, /onEmpty must be inconclusive, pass or fail/],
    ['duplicate names', { prometheus: P, analysis: 'dup.yaml' }, /^--analysis dup\.yaml: check name "a" is used twice/],
    ['an unknown placeholder in the file', { prometheus: P, analysis: 'placeholder.yaml' }, /^--analysis placeholder\.yaml: check "a": unknown placeholder \{\{pod\}\}/],
    ['a file check named like a --query check', { prometheus: P, query: ['x'], 'fail-if': ['> 1'], analysis: 'clash.yaml' }, /^--analysis clash\.yaml: check name "query-1" is also the name of a --query check; rename it/],
  ])('rejects %s in one line', (_name, flags, message) => {
    let err: unknown;
    try {
      parse(flags);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const line = (err as UsageError).oneLine();
    expect(line).toMatch(message);
    expect(line).not.toContain('\n');
  });
});

describe('parseNotifyFlags', () => {
  it.each([
    ['https://hooks.slack.com/services/T0/B0/secret', 'slack'],
    ['slack=https://chat.example/hook/secret', 'slack'],
    ['cdevents=http://broker.example/events', 'cdevents'],
    ['json=https://hooks.slack.com/services/x', 'json'],
    ['https://example.com/webhook?token=secret', 'json'],
  ])('%s -> %s', (value, format) => {
    expect(parseNotifyFlags([value])[0]!.format).toBe(format);
  });

  it.each([
    ['not-a-url-secret', /^--notify #2: a --notify value is not a URL; give http\(s\):\/\/\.\.\./],
    ['teams=https://x.example/secret', /^--notify #2: a --notify value has an unknown format prefix; use slack=URL, cdevents=URL or json=URL/],
    ['ftp://files.example/secret', /^--notify #2: a --notify URL must be http:\/\/ or https:\/\/, got ftp: \(ftp:\/\/files\.example\/…\)/],
  ])('rejects %s without printing it', (value, message) => {
    let err: unknown;
    try {
      parseNotifyFlags(['https://ok.example/', value]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).oneLine()).toMatch(message);
    expect((err as UsageError).oneLine()).not.toContain('secret');
  });

  it('no --notify: no targets', () => {
    expect(parseNotifyFlags(undefined)).toEqual([]);
  });
});
