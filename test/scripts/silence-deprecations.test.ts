import { silenceDependencyDeprecations } from '../../scripts/silence-deprecations.js';

describe('silenceDependencyDeprecations', () => {
  function harness() {
    const seen: unknown[][] = [];
    const target = { emitWarning: ((...args: unknown[]) => void seen.push(args)) as NodeJS.Process['emitWarning'] };
    silenceDependencyDeprecations(target);
    return { seen, emit: target.emitWarning };
  }

  it.each([
    ['punycode, positional code', ['The `punycode` module is deprecated.', 'DeprecationWarning', 'DEP0040']],
    ['url.parse, options object', ['`url.parse()` behavior is not standardized', { type: 'DeprecationWarning', code: 'DEP0169' }]],
  ])('drops %s', (_name, args) => {
    const { seen, emit } = harness();
    (emit as (...a: unknown[]) => void)(...args);
    expect(seen).toEqual([]);
  });

  it.each([
    ['another deprecation', ['Buffer() is deprecated', 'DeprecationWarning', 'DEP0005']],
    ['an experimental warning', ['VM Modules is an experimental feature', 'ExperimentalWarning']],
    ['a plain warning', ['something']],
  ])('passes %s through unchanged', (_name, args) => {
    const { seen, emit } = harness();
    (emit as (...a: unknown[]) => void)(...args);
    expect(seen).toEqual([args]);
  });
});
