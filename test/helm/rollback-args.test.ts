import { rollbackHelmArgs } from '../../src/helm/rollback-args.js';

describe('rollbackHelmArgs', () => {
  it.each<[Parameters<typeof rollbackHelmArgs>[0], string[], string[]]>([
    [{}, [], []],
    [{ 'cleanup-on-fail': true, 'no-hooks': true, force: true, 'history-max': 5 }, [], ['--cleanup-on-fail', '--no-hooks', '--force', '--history-max', '5']],
    [{ 'history-max': 0 }, ['--description', 'back'], ['--history-max', '0', '--description', 'back']],
    [{ 'cleanup-on-fail': false, force: false }, [], []],
  ])('%j + %j', (flags, extra, expected) => expect(rollbackHelmArgs(flags, extra)).toEqual(expected));
});
