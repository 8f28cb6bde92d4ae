import { allocateRows, fitList, progressBar, truncate, truncateMiddle } from '../../../src/ui/live/layout.js';

describe('allocateRows', () => {
  test.each([
    ['everything fits', 30, { workloads: 2, pods: 3, warnings: 1 }, { workloads: 2, pods: 3, warnings: 1 }],
    ['capped even when tall', 100, { workloads: 20, pods: 20, warnings: 9 }, { workloads: 6, pods: 6, warnings: 5 }],
    ['empty lists take no title row', 3, { workloads: 2, pods: 0, warnings: 0 }, { workloads: 2, pods: 0, warnings: 0 }],
    // 6+1 + 6+1 + 5+1 = 20 > 14: shrink the largest first, warnings before pods before workloads on ties.
    ['shrinks largest first', 14, { workloads: 6, pods: 6, warnings: 5 }, { workloads: 4, pods: 4, warnings: 3 }],
    ['down to one row each', 6, { workloads: 6, pods: 6, warnings: 5 }, { workloads: 1, pods: 1, warnings: 1 }],
    ['then warnings go', 4, { workloads: 6, pods: 6, warnings: 5 }, { workloads: 1, pods: 1, warnings: 0 }],
    ['then pods', 2, { workloads: 6, pods: 6, warnings: 5 }, { workloads: 1, pods: 0, warnings: 0 }],
    ['workloads stay', 0, { workloads: 6, pods: 6, warnings: 5 }, { workloads: 1, pods: 0, warnings: 0 }],
  ])('%s', (_name, available, counts, expected) => {
    expect(allocateRows(available, counts)).toEqual(expected);
  });
});

test('fitList keeps a row for the rest', () => {
  expect(fitList([1, 2, 3], 3)).toEqual({ shown: [1, 2, 3], hidden: 0 });
  expect(fitList([1, 2, 3, 4, 5], 3)).toEqual({ shown: [1, 2], hidden: 3 });
});

test('progressBar', () => {
  expect(progressBar(0.5, 10)).toBe('█████░░░░░');
  expect(progressBar(2, 4)).toBe('████');
  expect(progressBar(Number.NaN, 4)).toBe('░░░░');
});

test('truncate', () => {
  expect(truncate('Deployment/web', 20)).toBe('Deployment/web');
  expect(truncate('Deployment/web', 8)).toBe('Deploym…');
  expect(truncate('abc', 1)).toBe('…');
  expect(truncate('abc', 0)).toBe('');
});

test('truncateMiddle keeps the unique end of pod names', () => {
  expect(truncateMiddle('shop-webapp-fbcdb4cf6-2x4qz', 24)).toBe('shop-webapp-fbcdb…-2x4qz');
  expect(truncateMiddle('shop-webapp-fbcdb4cf6-2x4qz', 24)).toHaveLength(24);
  expect(truncateMiddle('web-1', 24)).toBe('web-1');
  expect(truncateMiddle('abcdefghij', 5)).toBe('abcd…');
});
