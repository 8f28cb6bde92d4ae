/** The bits of a stream {@link colorEnabled} looks at (process.stdout / process.stderr fit). */
export interface ColorStream {
  isTTY?: boolean;
}

/**
 * Whether to colour output written to `stream`. Follows Node's own rules: `FORCE_COLOR` wins (`0` / `false`
 * turn colour off, any other value, even empty, turns it on), then `NO_COLOR` (any non-empty value) and
 * `TERM=dumb` turn it off, and otherwise only a TTY gets colour.
 */
export function colorEnabled(stream: ColorStream | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream?.isTTY === true;
}
