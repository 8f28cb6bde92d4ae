import { colorEnabled } from '../../src/ui/color.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

test.each([
  ['a TTY', tty, {}, true],
  ['a pipe', pipe, {}, false],
  ['no stream', undefined, {}, false],
  ['NO_COLOR on a TTY', tty, { NO_COLOR: '1' }, false],
  ['empty NO_COLOR is ignored', tty, { NO_COLOR: '' }, true],
  ['TERM=dumb', tty, { TERM: 'dumb' }, false],
  ['FORCE_COLOR on a pipe', pipe, { FORCE_COLOR: '1' }, true],
  ['empty FORCE_COLOR on a pipe', pipe, { FORCE_COLOR: '' }, true],
  ['FORCE_COLOR beats NO_COLOR', pipe, { FORCE_COLOR: '2', NO_COLOR: '1' }, true],
  ['FORCE_COLOR=0 on a TTY', tty, { FORCE_COLOR: '0' }, false],
  ['FORCE_COLOR=false on a TTY', tty, { FORCE_COLOR: 'false' }, false],
] as const)('%s', (_name, stream, env, expected) => {
  expect(colorEnabled(stream, env)).toBe(expected);
});
