// The signed plugin: a throwaway GPG key, `scripts/package-plugin.js --sign` (what `npm run package -- --sign`
// runs), then the REAL helm 4.1.4 installs it with verification (`--keyring`), and refuses a tampered archive and
// one signed by a key outside the keyring. The helm 3 steps of the README (gpg + sha256, then unpack) are run too.
// Needs gpg on the PATH (.ci/run installs gnupg when it is missing) and `npm run build`.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmBinary } from '../../src/toolchain/binaries.js';

const repo = process.cwd();
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
const archiveName = `helm-autorollback-${version}.tgz`;

let work: string;

/** Makes a key without passphrase in its own gpg home; returns the exported secret and public keyring files. */
function throwawayKey(name: string): { secring: string; pubring: string } {
  const home = join(work, `gnupg-${name.split(' ')[0]}`);
  mkdirSync(home, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: home };
  execFileSync('gpg', ['--batch', '--quiet', '--passphrase', '', '--quick-gen-key', `${name} <${name.split(' ')[0]!.toLowerCase()}@example.com>`, 'rsa2048', 'sign', 'never'], { env, stdio: 'ignore' });
  const secring = join(work, `${name.split(' ')[0]}-secring.gpg`);
  const pubring = join(work, `${name.split(' ')[0]}-pubring.gpg`);
  writeFileSync(secring, execFileSync('gpg', ['--batch', '--export-secret-keys'], { env }));
  writeFileSync(pubring, execFileSync('gpg', ['--batch', '--export'], { env }));
  return { secring, pubring };
}

/** Packs and signs into `dir` with that key; returns the archive path. */
function packageSigned(dir: string, key: string, secring: string): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, archiveName);
  execFileSync(process.execPath, [join(repo, 'scripts', 'package-plugin.js'), '--out', out, '--no-binary', '--sign', '--key', key, '--keyring', secring], { cwd: repo, stdio: 'pipe' });
  return out;
}

/** helm 4 with a fresh home. */
function helm4(args: string[]): SpawnSyncReturns<string> & { plugins: () => string } {
  const home = mkdtempSync(join(work, 'helm4-home-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HELM_'))) as Record<string, string>;
  Object.assign(env, { HELM_DATA_HOME: join(home, 'data'), HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache') });
  const r = spawnSync(helmBinary(4), args, { encoding: 'utf8', env, timeout: 60_000 });
  const list = () => spawnSync(helmBinary(4), ['plugin', 'list'], { encoding: 'utf8', env }).stdout;
  return Object.assign(r, { plugins: list });
}

/** The README's helm 3 steps: check the signature and the archive's digest, then unpack into the plugins folder. */
function helm3Steps(archive: string, pubring: string, plugins: string): SpawnSyncReturns<string> {
  const script = readmeHelm3Snippet().replaceAll('./release-pubring.gpg', pubring).replaceAll('"$(helm env HELM_PLUGINS)"', plugins);
  return spawnSync('bash', ['-euo', 'pipefail', '-c', script], { encoding: 'utf8', cwd: join(archive, '..'), env: { ...process.env, GNUPGHOME: join(work, 'gnupg-verify') } });
}

/** The helm 3 verification block of the README, so the test runs what users copy. */
function readmeHelm3Snippet(): string {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const m = /# helm 3: verify by hand[^\n]*\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README has no "# helm 3: verify by hand" block');
  return m[1]!.replaceAll('helm-autorollback-0.1.0.tgz', archiveName);
}

let release: { secring: string; pubring: string };
let stranger: { secring: string; pubring: string };
let signed: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'plugin-signing-'));
  mkdirSync(join(work, 'gnupg-verify'), { mode: 0o700 });
  release = throwawayKey('Release Manager');
  stranger = throwawayKey('Stranger Danger');
  signed = packageSigned(join(work, 'signed'), 'Release Manager', release.secring);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run package -- --sign', () => {
  it('writes a provenance file in helm\'s format: plugin.yaml, ..., the archive\'s sha256, clear-signed', () => {
    const prov = readFileSync(`${signed}.prov`, 'utf8');
    const sha = execFileSync('sha256sum', [signed], { encoding: 'utf8' }).split(' ')[0];
    expect(prov).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n/);
    expect(prov).toContain('name: "autorollback"');
    expect(prov).toContain(`\n...\nfiles:\n  ${archiveName}: sha256:${sha}\n`);
    expect(prov).toMatch(/-----BEGIN PGP SIGNATURE-----[\s\S]+-----END PGP SIGNATURE-----\n$/);
  });

  it('without a key: one line naming the flag, no archive signature', () => {
    const r = spawnSync(process.execPath, [join(repo, 'scripts', 'package-plugin.js'), '--out', join(work, 'nokey', archiveName), '--no-binary', '--sign'], { encoding: 'utf8', env: { ...process.env, HELM_AUTOROLLBACK_SIGN_KEY: '' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('Error: signing needs the key: --key NAME or HELM_AUTOROLLBACK_SIGN_KEY');
  });
});

describe('helm 4 installs it with verification', () => {
  it('the signed archive installs with --keyring (the release key) and is listed', () => {
    const r = helm4(['plugin', 'install', signed, '--keyring', release.pubring]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/Signed by: Release Manager <release@example.com>/);
    expect(r.stdout).toMatch(/Plugin Hash Verified: sha256:[0-9a-f]{64}/);
    expect(r.plugins()).toMatch(/^autorollback\s+/m);
  });

  it('a tampered archive (one file changed after signing) is refused and not installed', () => {
    const dir = join(work, 'tampered');
    mkdirSync(join(dir, 'unpacked'), { recursive: true });
    execFileSync('tar', ['-xzf', signed, '-C', join(dir, 'unpacked')]);
    writeFileSync(join(dir, 'unpacked', 'helm-autorollback', 'bin', 'run.js'), '#!/usr/bin/env node\nconsole.log("pwned")\n');
    const archive = join(dir, archiveName);
    execFileSync('tar', ['-czf', archive, '-C', join(dir, 'unpacked'), 'helm-autorollback']);
    copyFileSync(`${signed}.prov`, `${archive}.prov`);
    const r = helm4(['plugin', 'install', archive, '--keyring', release.pubring]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/sha256|digest|hash/i);
    expect(r.plugins()).not.toMatch(/autorollback/);
  });

  it('an archive signed by a key outside the keyring is refused', () => {
    const other = packageSigned(join(work, 'stranger'), 'Stranger Danger', stranger.secring);
    const r = helm4(['plugin', 'install', other, '--keyring', release.pubring]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/verif|signature|key/i);
    expect(r.plugins()).not.toMatch(/autorollback/);
  });
});

describe('the README\'s helm 3 steps (helm 3 does not verify plugins itself)', () => {
  it('unpack the signed archive', () => {
    const plugins = join(work, 'h3-plugins-ok');
    mkdirSync(plugins);
    const r = helm3Steps(signed, release.pubring, plugins);
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readdirSync(plugins)).toEqual(['helm-autorollback']);
  });

  it('refuse a tampered archive and unpack nothing', () => {
    const dir = join(work, 'h3-tampered');
    mkdirSync(dir);
    const archive = join(dir, archiveName);
    const bytes = readFileSync(signed);
    bytes[bytes.length - 10] ^= 0xff; // one flipped byte in the gzip trailer area
    writeFileSync(archive, bytes);
    copyFileSync(`${signed}.prov`, `${archive}.prov`);
    const plugins = join(work, 'h3-plugins-bad');
    mkdirSync(plugins);
    const r = helm3Steps(archive, release.pubring, plugins);
    expect(r.status).not.toBe(0);
    expect(readdirSync(plugins)).toEqual([]);
  });
});
