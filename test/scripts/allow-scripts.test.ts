// npm 11 runs a dependency's install scripts only when package.json#allowScripts allows them, and lists every
// package it skipped after each install. Every installed package with an install script must have a decision
// there (true: needed, false: harmless to skip), so `npm ci` is quiet and runs exactly what is needed.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const repo = process.cwd();
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };

/** Installed packages (top level and scoped) whose package.json has preinstall/install/postinstall. */
function packagesWithInstallScripts(): string[] {
  const root = join(repo, 'node_modules');
  const dirs = readdirSync(root).flatMap((d) => (d.startsWith('@') ? readdirSync(join(root, d)).map((s) => `${d}/${s}`) : [d]));
  return dirs.filter((name) => {
    const file = join(root, name, 'package.json');
    if (!existsSync(file)) return false;
    const scripts = (JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    return ['preinstall', 'install', 'postinstall'].some((s) => scripts[s] !== undefined);
  });
}

test('every installed package with an install script has an allowScripts decision', () => {
  const undecided = packagesWithInstallScripts().filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean');
  expect(undecided).toEqual([]);
});

test('esbuild\'s postinstall (it checks, and if needed fetches, the platform binary) runs; the others are skipped', () => {
  expect(pkg.allowScripts).toEqual({ esbuild: true, protobufjs: false, '@parcel/watcher': false });
});
