import { UsageError } from '../../../src/errors/errors.js';
import { releaseNameProblem, validateReleaseName } from '../../../src/domain/release-name.js';

describe('release names (helm 3/4 rules: DNS-1123 labels joined by dots, at most 53 chars)', () => {
  it.each(['a', 'web', 'my-app', 'app1', '1app', 'a.b', 'my-app.v2', 'x'.repeat(53), '0'])('accepts %s', (name) => {
    expect(releaseNameProblem(name)).toBeUndefined();
    expect(() => validateReleaseName(name)).not.toThrow();
  });

  it.each([
    ['', /empty/],
    ['x'.repeat(54), /54 characters long, helm allows at most 53/],
    ['MyApp', /uppercase/],
    ['my_app', /characters other than/],
    ['my app', /characters other than/],
    ['-app', /start and end/],
    ['app-', /start and end/],
    ['app.', /start and end/],
    ['a..b', /start and end/],
    ['.app', /start and end/],
    ['app/evil', /characters other than/],
  ])('rejects %j', (name, reason) => {
    expect(releaseNameProblem(name)).toMatch(reason);
    expect(() => validateReleaseName(name)).toThrow(UsageError);
  });

  it('errors on one line even for multi-line input, quoting the name', () => {
    try {
      validateReleaseName('bad\nname');
      throw new Error('expected a UsageError');
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(2);
      expect((err as UsageError).oneLine()).not.toContain('\n');
      expect((err as UsageError).oneLine()).toMatch(/^invalid release name "bad name": /);
    }
  });
});
