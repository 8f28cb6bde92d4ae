import { formatCountdown, formatElapsed, formatSpan } from '../../src/ui/time-format.js';

test.each([
  [0, '00:00.0'],
  [3_249, '00:03.2'],
  [59_999, '00:59.9'],
  [61_000, '01:01.0'],
  [3_661_000, '61:01.0'],
  [-500, '00:00.0'],
])('formatElapsed(%d) = %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));

test.each([
  [300_000, '5:00'],
  [299_001, '5:00'],
  [1, '0:01'],
  [0, '0:00'],
  [-10, '0:00'],
])('formatCountdown(%d) = %s', (ms, text) => expect(formatCountdown(ms)).toBe(text));

test.each([
  [850, '850ms'],
  [4_249, '4.2s'],
  [125_000, '2m05s'],
])('formatSpan(%d) = %s', (ms, text) => expect(formatSpan(ms)).toBe(text));
