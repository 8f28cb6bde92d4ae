/**
 * Deprecation warnings that Node 21+ (so the Node 24 inside the standalone binary) prints on every run that talks to
 * the cluster, about code in our dependencies (client-node's HTTP stack requires `punycode` and calls `url.parse()`):
 * users can do nothing about them, and they would land in every CI log. Only these two codes are dropped.
 */
const SILENCED_DEPRECATIONS = new Set(['DEP0040', 'DEP0169']);

/** Drops {@link SILENCED_DEPRECATIONS}; every other warning is printed as Node prints it. */
export function silenceDependencyDeprecations(target: Pick<NodeJS.Process, 'emitWarning'> = process): void {
  const original = target.emitWarning;
  target.emitWarning = function emitWarning(this: unknown, warning: string | Error, ...rest: unknown[]) {
    const options = rest[0];
    const code = typeof options === 'object' && options !== null ? (options as { code?: string }).code : rest[1];
    if (typeof code === 'string' && SILENCED_DEPRECATIONS.has(code)) return;
    return (original as (...a: unknown[]) => void).call(target, warning, ...rest);
  } as NodeJS.Process['emitWarning'];
}
