import { UsageError } from '../../src/errors/errors.js';
import { checkPassthroughFlags, goDuration, helmTimeoutMs, parseDuration, splitUpgradeArgv, wantsWaitForJobs } from '../../src/helm/upgrade-args.js';

describe('splitUpgradeArgv', () => {
  it.each([
    [
      'helm value flags keep their values, ours stay ours',
      ['web', './chart', '-f', 'v.yaml', '--set', 'a=b', '-n', 'prod', '--timeout', '2m', '--version', '1.2.3', '--create-namespace'],
      { own: ['web', './chart', '-n', 'prod', '--timeout', '2m'], helm: ['-f', 'v.yaml', '--set', 'a=b', '--version', '1.2.3', '--create-namespace'] },
    ],
    [
      'flags before the positionals and = forms',
      ['--kube-context=prod', '--values=x.yaml', 'web', '--max-restarts', '3', 'repo/chart', '--no-rollback', '-fother.yaml'],
      { own: ['--kube-context=prod', 'web', '--max-restarts', '3', 'repo/chart', '--no-rollback'], helm: ['--values=x.yaml', '-fother.yaml'] },
    ],
    [
      'everything after -- goes to helm verbatim, even our names',
      ['web', './c', '--json', '--', '--post-renderer', './r.sh', '--timeout', 'x', 'pos'],
      { own: ['web', './c', '--json'], helm: ['--post-renderer', './r.sh', '--timeout', 'x', 'pos'] },
    ],
    [
      'unknown boolean helm flags do not swallow the next token',
      ['--wait-for-jobs', 'web', '--cleanup-on-fail', './c', '-i'],
      { own: ['web', './c'], helm: ['--wait-for-jobs', '--cleanup-on-fail', '-i'] },
    ],
    [
      '--migration-policy is ours, with its value',
      ['web', './c', '--migration-policy', 'block', '--atomic=false'],
      { own: ['web', './c', '--migration-policy', 'block'], helm: ['--atomic=false'] },
    ],
  ])('%s', (_name, argv, expected) => {
    expect(splitUpgradeArgv(argv)).toEqual(expected);
  });
});

describe('checkPassthroughFlags', () => {
  it.each([['--atomic'], ['--rollback-on-failure'], ['--wait=false'], ['--wait=hookOnly'], ['--dry-run'], ['--dry-run=server'], ['--timeout=1m'], ['--install=false']])(
    'rejects %s with a usage error naming it',
    (flag) => {
      expect(() => checkPassthroughFlags(['--set', 'a=b', flag])).toThrow(UsageError);
      expect(() => checkPassthroughFlags([flag])).toThrow(flag.split('=')[0] as string);
    },
  );
  it.each([['--wait'], ['--wait=watcher'], ['--atomic=false'], ['--create-namespace'], ['-f']])('accepts %s', (flag) => {
    expect(() => checkPassthroughFlags([flag])).not.toThrow();
  });
});

describe('durations', () => {
  it.each([
    ['5m', 300_000],
    ['30s', 30_000],
    ['1h30m', 5_400_000],
    ['1.5m', 90_000],
    ['250ms', 250],
    ['90', 90_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, 'timeout')).toBe(ms);
  });
  it.each([['soon'], [''], ['5 m'], ['5mm'], ['-1s']])('%j is a one-line usage error', (text) => {
    expect(() => parseDuration(text, 'timeout')).toThrow(/--timeout .* is not a duration/);
  });
  it('gives helm our timeout plus a margin, as whole seconds', () => {
    expect(goDuration(helmTimeoutMs(300_000))).toBe('360s');
    expect(goDuration(helmTimeoutMs(10_000))).toBe('70s');
    expect(goDuration(1)).toBe('1s');
  });
  it('reads --wait-for-jobs from the passthrough flags', () => {
    expect(wantsWaitForJobs(['--wait-for-jobs'])).toBe(true);
    expect(wantsWaitForJobs(['--wait-for-jobs', '--wait-for-jobs=false'])).toBe(false);
    expect(wantsWaitForJobs([])).toBe(false);
  });
});
