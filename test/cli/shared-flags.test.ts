import { parseHealthOptions, positiveInt, wantsLiveView } from '../../src/cli/shared-flags.js';
import { UsageError } from '../../src/errors/errors.js';

const defaults = { timeout: '5m', 'max-restarts': '2', 'unschedulable-grace': '30s', 'unready-grace': '120s' };

describe('parseHealthOptions', () => {
  it('without the grace flags: their defaults, not marked as given (learned graces may apply)', () => {
    expect(parseHealthOptions({ timeout: '5m', 'max-restarts': '2' })).toEqual({
      timeoutMs: 300_000,
      maxRestarts: 2,
      unschedulableGraceMs: 30_000,
      unreadyGraceMs: 120_000,
      waitForJobs: false,
      minStableMs: 5_000,
    });
  });

  it('grace flags given: used and marked as given', () => {
    expect(parseHealthOptions(defaults)).toMatchObject({ unschedulableGraceMs: 30_000, unreadyGraceMs: 120_000, unschedulableGraceExplicit: true, unreadyGraceExplicit: true });
  });

  it('takes --wait-for-jobs from the helm flags', () => {
    expect(parseHealthOptions(defaults, { waitForJobs: true }).waitForJobs).toBe(true);
  });

  it.each([
    [{ timeout: 'soon' }, /--timeout "soon" is not a duration/],
    [{ timeout: '500ms' }, /--timeout 500ms is too short/],
    [{ 'max-restarts': '0' }, /--max-restarts must be a whole number >= 1, got "0"/],
    [{ 'max-restarts': 'two' }, /--max-restarts must be a whole number >= 1/],
    [{ 'unready-grace': '2 minutes' }, /--unready-grace "2 minutes" is not a duration/],
  ])('rejects %j with one line naming the flag', (bad, message) => {
    expect(() => parseHealthOptions({ ...defaults, ...bad })).toThrow(UsageError);
    expect(() => parseHealthOptions({ ...defaults, ...bad })).toThrow(message);
  });
});

describe('positiveInt', () => {
  it.each([['1', 1], ['42', 42], [' 7 ', 7]])('%j -> %d', (text, n) => expect(positiveInt(text, 'x')).toBe(n));
  it.each(['0', '-1', '1.5', ''])('%j is refused', (text) => expect(() => positiveInt(text, 'x')).toThrow(/--x must be a whole number/));
});

describe('wantsLiveView', () => {
  it.each([
    [false, true, {}, true],
    [true, true, {}, false],
    [false, false, {}, false],
    [false, true, { CI: '1' }, false],
    [false, true, { CI: 'false' }, true],
  ])('--no-tui=%s, TTY=%s, env %j -> %s', (noTui, tty, env, expected) => {
    expect(wantsLiveView({ 'no-tui': noTui }, { isTTY: tty }, env)).toBe(expected);
  });
});
