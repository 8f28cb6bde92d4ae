#!/usr/bin/env node
// Packs the helm plugin: dist/helm-autorollback-<version>.tgz, installable with `helm plugin install` (see the
// README's "Install"). Needs `npm run build` first (and `npm run build:sea` for the standalone binary).
//
// The archive holds, under one folder `autorollback/`:
//   plugin.yaml            the repo's, plus a linux/amd64 entry for the standalone binary when it was built
//   package.json           only {name, version, type: module}, so Node reads bin/*.js as ES modules
//   bin/run.js, bin/node-check.js
//   plugin.complete        helm's hook for `helm autorollback <TAB>`
//   dist/bundle/           the esbuild bundle: the whole CLI, no node_modules (source maps left out)
//   bin/helm-autorollback-linux-x64   the Node single executable, when dist/sea/ has one
//   README.md
//
// Usage: node scripts/package-plugin.js [--out FILE] [--no-binary]
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** File name of the standalone binary inside the plugin (and in dist/sea/). */
export const SEA_BINARY = 'helm-autorollback-linux-x64';

/** The folder every file of the archive sits under; helm names the installed plugin folder after the plugin. */
export const ARCHIVE_DIR = 'helm-autorollback';

/**
 * plugin.yaml for the package: the repo's, with a linux/amd64 entry (more specific than the `os: linux` one, so
 * helm 3 and 4 pick it there) that runs the standalone binary.
 * @param {string} pluginYaml the repo's plugin.yaml text
 * @param {boolean} withBinary whether the archive carries the standalone binary
 */
export function packagedPluginYaml(pluginYaml, withBinary) {
  if (!withBinary) return pluginYaml;
  const entry = ['  - os: linux', '    arch: amd64', `    command: "$HELM_PLUGIN_DIR/bin/${SEA_BINARY}"`].join('\n');
  if (!/^platformCommand:\n/m.test(pluginYaml)) throw new Error('plugin.yaml has no platformCommand list');
  return pluginYaml.replace(/^platformCommand:\n/m, `platformCommand:\n${entry}\n`);
}

/**
 * Builds the plugin folder in `stage` and packs it into `out`. Returns what went in.
 * @param {{ out?: string, binary?: boolean }} [options]
 */
export function packagePlugin(options = {}) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = options.out ?? join(root, 'dist', `helm-autorollback-${pkg.version}.tgz`);
  const bundle = join(root, 'dist', 'bundle', 'run.mjs');
  if (!existsSync(bundle)) throw new Error(`${relative(root, bundle)} is missing: run \`npm run build\` first`);
  const sea = join(root, 'dist', 'sea', SEA_BINARY);
  const withBinary = options.binary !== false && existsSync(sea);

  const stage = mkdtempSync(join(tmpdir(), 'helm-autorollback-pkg-'));
  try {
    const dir = join(stage, ARCHIVE_DIR);
    mkdirSync(join(dir, 'bin'), { recursive: true });
    const pluginYaml = readFileSync(join(root, 'plugin.yaml'), 'utf8');
    if (!pluginYaml.includes(`version: "${pkg.version}"`)) {
      throw new Error(`plugin.yaml version differs from package.json ${pkg.version}`);
    }
    writeFileSync(join(dir, 'plugin.yaml'), packagedPluginYaml(pluginYaml, withBinary));
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module' }, null, 2)}\n`,
    );
    for (const file of ['bin/run.js', 'bin/node-check.js', 'plugin.complete', 'README.md']) copyFileSync(join(root, file), join(dir, file));
    cpSync(join(root, 'dist', 'bundle'), join(dir, 'dist', 'bundle'), {
      recursive: true,
      filter: (src) => !src.endsWith('.map'),
    });
    if (withBinary) copyFileSync(sea, join(dir, 'bin', SEA_BINARY));

    mkdirSync(dirname(out), { recursive: true });
    // GNU tar with fixed owner and order, so the same inputs give the same archive listing.
    execFileSync('tar', ['-czf', out, '--owner=0', '--group=0', '--numeric-owner', '--sort=name', '-C', stage, ARCHIVE_DIR]);
    const files = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n');
    return { out, files, withBinary, bytes: statSync(out).size };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  try {
    const result = packagePlugin({ out: outIndex >= 0 ? args[outIndex + 1] : undefined, binary: !args.includes('--no-binary') });
    console.log(
      `packaged ${relative(process.cwd(), result.out)}: ${result.files.filter((f) => !f.endsWith('/')).length} files, ` +
        `${(result.bytes / 1024 / 1024).toFixed(1)} MiB, standalone binary: ${result.withBinary ? 'yes' : 'no (npm run build:sea)'}`,
    );
  } catch (error) {
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
