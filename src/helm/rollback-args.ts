/** The helm rollback flags `rollback` passes through, from its parsed flags and the words after `--`. Pure. */
export function rollbackHelmArgs(
  flags: { 'cleanup-on-fail'?: boolean; 'no-hooks'?: boolean; force?: boolean; 'history-max'?: number },
  afterDashes: readonly string[] = [],
): string[] {
  return [
    ...(flags['cleanup-on-fail'] ? ['--cleanup-on-fail'] : []),
    ...(flags['no-hooks'] ? ['--no-hooks'] : []),
    ...(flags.force ? ['--force'] : []),
    ...(flags['history-max'] === undefined ? [] : ['--history-max', String(flags['history-max'])]),
    ...afterDashes,
  ];
}
