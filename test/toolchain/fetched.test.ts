import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmBinaryOf, helmMatrix, NotFetchedError, seaNode, seaNodeBinary } from '../../src/toolchain/fetched.js';

describe('toolchain pieces fetched on demand', () => {
  let cache: string;
  const saved = process.env.HELM_AUTOROLLBACK_BIN_CACHE;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'empty-bin-cache-'));
    process.env.HELM_AUTOROLLBACK_BIN_CACHE = cache;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.HELM_AUTOROLLBACK_BIN_CACHE;
    else process.env.HELM_AUTOROLLBACK_BIN_CACHE = saved;
    rmSync(cache, { recursive: true, force: true });
  });

  it('the matrix is the five versions the README claims, oldest first', () => {
    expect(helmMatrix.map((e) => e.helm)).toEqual(['3.14.0', '3.15.1', '3.16.4', '3.17.3', '4.1.4']);
  });

  it('pins a Node 24 for the standalone binary', () => {
    expect(seaNode.version).toMatch(/^24\.\d+\.\d+$/);
  });

  it('a helm that was not fetched is an error naming the fetch command, never a download', () => {
    expect(() => helmBinaryOf('3.14.0')).toThrow(NotFetchedError);
    expect(() => helmBinaryOf('3.14.0')).toThrow(/node scripts\/fetch-toolchain\.js/);
    expect(() => seaNodeBinary()).toThrow(/node 24\.\d+\.\d+ is not in .*fetch-toolchain/);
  });

  it('a version outside the matrix is refused', () => {
    expect(() => helmBinaryOf('3.13.0')).toThrow(/not in the tested matrix/);
  });
});
