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
// Signing (--sign, or HELM_AUTOROLLBACK_SIGN_KEY set): writes FILE.prov next to the archive, helm's provenance
// format (the packaged plugin.yaml, a `...` line, then `files:` with the archive's sha256, clear-signed with
// OpenPGP), which helm 4 checks at `helm plugin install` (--keyring) and `helm plugin verify`. gpg signs it:
//   --key NAME              the signing key's name, e-mail or fingerprint (env HELM_AUTOROLLBACK_SIGN_KEY)
//   --keyring FILE          a secret keyring file (`gpg --export-secret-keys > secring.gpg`, what helm's own
//                           --keyring takes); default: the keys of gpg's home (GNUPGHOME or ~/.gnupg)
//                           (env HELM_AUTOROLLBACK_SIGN_KEYRING)
//   --passphrase-file FILE  the key's passphrase, if it has one (env HELM_AUTOROLLBACK_SIGN_PASSPHRASE_FILE)
//
// Usage: node scripts/package-plugin.js [--out FILE] [--no-binary] [--sign [--key NAME] [--keyring FILE] [--passphrase-file FILE]]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
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
 * The text a provenance file signs, in helm's layout: the plugin's metadata (its plugin.yaml), a line `...`,
 * then the archive's name and sha256 under `files:`.
 * @param {string} pluginYaml the packaged plugin.yaml
 * @param {string} archiveName file name of the archive (helm looks it up by the name it installs)
 * @param {string} sha256 hex digest of the archive
 */
export function provenanceBody(pluginYaml, archiveName, sha256) {
  const metadata = pluginYaml.endsWith('\n') ? pluginYaml : `${pluginYaml}\n`;
  return `${metadata}...\nfiles:\n  ${archiveName}: sha256:${sha256}\n`;
}

/**
 * Signs `archive` with gpg: writes `archive.prov` and returns its path.
 * @param {string} archive the packed plugin
 * @param {string} pluginYaml the plugin.yaml inside it
 * @param {{ key?: string, keyring?: string, passphraseFile?: string }} options see the file comment
 */
export function signArchive(archive, pluginYaml, options) {
  if (!options.key) throw new Error('signing needs the key: --key NAME or HELM_AUTOROLLBACK_SIGN_KEY');
  const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  const work = mkdtempSync(join(tmpdir(), 'helm-autorollback-sign-'));
  try {
    const env = { ...process.env };
    if (options.keyring) {
      // A keyring file, as helm takes it: imported into a throwaway gpg home so the user's own is never touched.
      if (!existsSync(options.keyring)) throw new Error(`the keyring ${options.keyring} does not exist`);
      env.GNUPGHOME = join(work, 'gnupg');
      mkdirSync(env.GNUPGHOME, { mode: 0o700 });
      gpg(['--batch', '--quiet', '--import', resolve(options.keyring)], env);
    }
    const body = join(work, 'body');
    writeFileSync(body, provenanceBody(pluginYaml, basename(archive), sha256));
    const prov = `${archive}.prov`;
    const pass = options.passphraseFile ? ['--pinentry-mode', 'loopback', '--passphrase-file', resolve(options.passphraseFile)] : [];
    gpg(['--batch', '--yes', ...pass, '--local-user', options.key, '--digest-algo', 'SHA512', '--clearsign', '--output', prov, body], env);
    return prov;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs gpg; its failure becomes one line naming the problem. */
function gpg(args, env) {
  try {
    execFileSync('gpg', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error('signing needs gpg on the PATH (Debian: apt-get install gnupg)');
    const why = String(error.stderr ?? '').trim().split('\n').filter(Boolean).pop() ?? `exit ${error.status}`;
    throw new Error(`gpg failed: ${why}`);
  }
}

/**
 * Builds the plugin folder in `stage` and packs it into `out` (and signs it with `sign`). Returns what went in.
 * @param {{ out?: string, binary?: boolean, sign?: { key?: string, keyring?: string, passphraseFile?: string } }} [options]
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
    const packagedYaml = packagedPluginYaml(pluginYaml, withBinary);
    writeFileSync(join(dir, 'plugin.yaml'), packagedYaml);
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
    rmSync(`${out}.prov`, { force: true }); // a stale signature of an earlier archive must never sit next to this one
    const prov = options.sign ? signArchive(out, packagedYaml, options.sign) : undefined;
    return { out, files, withBinary, bytes: statSync(out).size, prov };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const env = process.env;
  const sign = args.includes('--sign') || Boolean(env.HELM_AUTOROLLBACK_SIGN_KEY)
    ? {
        key: value('--key') ?? env.HELM_AUTOROLLBACK_SIGN_KEY,
        keyring: value('--keyring') ?? env.HELM_AUTOROLLBACK_SIGN_KEYRING,
        passphraseFile: value('--passphrase-file') ?? env.HELM_AUTOROLLBACK_SIGN_PASSPHRASE_FILE,
      }
    : undefined;
  try {
    const result = packagePlugin({ out: value('--out'), binary: !args.includes('--no-binary'), sign });
    console.log(
      `packaged ${relative(process.cwd(), result.out)}: ${result.files.filter((f) => !f.endsWith('/')).length} files, ` +
        `${(result.bytes / 1024 / 1024).toFixed(1)} MiB, standalone binary: ${result.withBinary ? 'yes' : 'no (npm run build:sea)'}, ` +
        `signed: ${result.prov ? relative(process.cwd(), result.prov) : 'no (--sign --key NAME)'}`,
    );
  } catch (error) {
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
