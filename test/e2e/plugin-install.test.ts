// Installs the plugin into throwaway helm homes with the REAL helm 3.17.3 and 4.1.4 and runs it through helm.
// Needs `npm run build` (pretest does it): the checkout's bin/run.js runs dist/bundle/run.mjs.
//
// Each (helm major, install method) pair gets its own helm home; the cases run in order: install, use,
// uninstall. To add a case that runs through helm (e.g. `upgrade` against kube-sim), add an `it` to
// `throughHelm` below: `home.helm([...])` runs helm with that home's environment.
import { execFile, execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { seaNode } from '../../src/toolchain/fetched.js';

const repo = process.cwd();
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;

/** A helm whose data, config and cache folders are fresh temporary ones (plugins land in data/plugins). */
interface HelmHome {
  major: HelmMajor;
  /** The folder helm installs plugins into ($HELM_PLUGINS). */
  plugins: string;
  /** Runs this helm with the home's environment plus `env`. */
  helm(args: string[], env?: Record<string, string>): SpawnSyncReturns<string>;
  /** The same without blocking the event loop: needed when the in-process kube-sim must answer helm. */
  helmAsync(args: string[], env?: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }>;
  remove(): void;
}

function helmHome(major: HelmMajor): HelmHome {
  const root = mkdtempSync(join(tmpdir(), `helm${major}-home-`));
  const plugins = join(root, 'data', 'plugins');
  // Nothing from the developer's own helm or cluster setup leaks in.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('HELM_') && k !== 'KUBECONFIG'),
  ) as Record<string, string>;
  const env = {
    ...base,
    HELM_DATA_HOME: join(root, 'data'),
    HELM_CONFIG_HOME: join(root, 'config'),
    HELM_CACHE_HOME: join(root, 'cache'),
    KUBECONFIG: join(root, 'no-kubeconfig'),
  };
  return {
    major,
    plugins,
    helm: (args, extra = {}) =>
      spawnSync(helmBinary(major), args, { encoding: 'utf8', env: { ...env, ...extra }, timeout: 60_000 }),
    helmAsync: (args, extra = {}) =>
      new Promise((resolve) => {
        execFile(helmBinary(major), args, { encoding: 'utf8', env: { ...env, ...extra }, timeout: 60_000 }, (error, stdout, stderr) => {
          const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ status, stdout, stderr });
        });
      }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** How the plugin gets into helm: the checkout folder (helm links it) or the packaged archive. */
type InstallMethod = 'directory' | 'tarball';

/**
 * Installs the plugin the way the README tells users to. helm 4 installs an archive with `--verify=false`
 * (there is no .prov signature); helm 3 cannot install a local archive, so it is unpacked into $HELM_PLUGINS.
 */
function install(home: HelmHome, method: InstallMethod, tarball: string): void {
  if (method === 'directory') {
    expectOk(home.helm(['plugin', 'install', repo]));
  } else if (home.major === 4) {
    expectOk(home.helm(['plugin', 'install', tarball, '--verify=false']));
  } else {
    mkdirSync(home.plugins, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', home.plugins]);
  }
}

function expectOk(r: SpawnSyncReturns<string>): SpawnSyncReturns<string> {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr || r.stdout}`);
  return r;
}

/** oclif ids of the commands in src/commands (the help must list each top-level one). */
function ownTopLevelCommands(): string[] {
  const dir = join(repo, 'src', 'commands');
  const ids = new Set<string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.tsx?$/.test(e.name) && !/\.d\.ts$/.test(e.name)) ids.add(relative(dir, join(d, e.name)).split(sep)[0]!.replace(/\.tsx?$/, ''));
    }
  };
  walk(dir);
  return [...ids];
}

let work: string;
let tarball: string;
/** One simulated cluster for the cases that need a real API server; each case uses its own namespace. */
let sim: RunningSim;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'plugin-install-'));
  tarball = join(work, `helm-autorollback-${version}.tgz`);
  // Without the standalone binary here (runs on the user's node); the binary has its own cases below.
  execFileSync(process.execPath, [join(repo, 'scripts', 'package-plugin.js'), '--out', tarball, '--no-binary'], { cwd: repo });
  // A kubeconfig with one context "sim" (never contacted: the cases below fail before any request).
  writeFileSync(
    join(work, 'kubeconfig'),
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: sim, cluster: {server: "http://127.0.0.1:9"}}]',
      'users: [{name: sim, user: {}}]',
      'contexts: [{name: sim, context: {cluster: sim, user: sim}}]',
      'current-context: sim',
    ].join('\n'),
  );
});

beforeAll(async () => {
  sim = await startSim();
});

afterAll(async () => {
  await sim?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the packaged archive', () => {
  it('holds plugin.yaml, the entry and the bundle under one folder, and no node_modules', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toEqual(expect.arrayContaining([
      'helm-autorollback/plugin.yaml',
      'helm-autorollback/package.json',
      'helm-autorollback/bin/run.js',
      'helm-autorollback/bin/node-check.js',
      'helm-autorollback/plugin.complete',
      'helm-autorollback/dist/bundle/run.mjs',
    ]));
    expect(files.every((f) => f.startsWith('helm-autorollback/'))).toBe(true);
    expect(files.some((f) => f.includes('node_modules'))).toBe(false);
    expect(files.some((f) => f.endsWith('.map'))).toBe(false);
  });

  it('is refused by helm 4 without a signature unless --verify=false is given', () => {
    const home = helmHome(4);
    try {
      const r = home.helm(['plugin', 'install', tarball]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/verif|prov/i);
      expect(home.helm(['plugin', 'list']).stdout).not.toMatch(/autorollback/);
    } finally {
      home.remove();
    }
  });
});

const matrix: Array<[HelmMajor, InstallMethod]> = [
  [3, 'directory'],
  [3, 'tarball'],
  [4, 'directory'],
  [4, 'tarball'],
];

describe.each(matrix)('helm %i, plugin installed from the %s', (major, method) => {
  let home: HelmHome;

  beforeAll(() => {
    home = helmHome(major);
    install(home, method, tarball);
  });

  afterAll(() => home.remove());

  it('is listed by helm plugin list with its version', () => {
    const r = expectOk(home.helm(['plugin', 'list']));
    expect(r.stdout).toMatch(new RegExp(`^autorollback\\s+${version.replace(/\./g, '\\.')}\\s`, 'm'));
  });

  describe('through helm', () => {
    it('prints its version as text and as JSON', () => {
      expect(expectOk(home.helm(['autorollback', 'version'])).stdout).toContain(`helm-autorollback ${version}`);
      const json = JSON.parse(expectOk(home.helm(['autorollback', 'version', '--json'])).stdout);
      expect(json).toMatchObject({ version, platform: 'linux/x64' });
    });

    it('prints help with helm-style usage and every command', () => {
      const r = expectOk(home.helm(['autorollback', '--help']));
      expect(r.stdout).toContain('$ helm autorollback [COMMAND]');
      for (const id of ownTopLevelCommands()) expect(r.stdout).toMatch(new RegExp(`^\\s+${id}\\s`, 'm'));
    });

    it('suggests the closest command for a typo, in one line with exit code 2', () => {
      const r = home.helm(['autorollback', 'versoin']);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('Error: "versoin" is not a helm autorollback command. Did you mean "version"?');
    });

    it('completes commands and flags for helm __complete (what the shell completion scripts call)', () => {
      const commands = expectOk(home.helm(['__complete', 'autorollback', 'vers']));
      expect(commands.stdout).toMatch(/^version\tPrint the plugin version\.$/m);
      expect(commands.stdout).not.toMatch(/^history/m);
      const flags = expectOk(home.helm(['__complete', 'autorollback', 'version', '--j']));
      expect(flags.stdout).toMatch(/^--json\t/m);
      // oclif's own completion scripts would target a `helm-autorollback` command: through helm, point to helm's.
      const setup = expectOk(home.helm(['autorollback', 'autocomplete', 'bash']));
      expect(setup.stdout).toContain('source <(helm completion bash)');
    });

    it('reads the release in helm -n (HELM_NAMESPACE) with HELM_DRIVER from the cluster in KUBECONFIG', async () => {
      const namespace = `shop-${major}-${method}`;
      const env = { KUBECONFIG: sim.kubeconfigPath, HELM_DRIVER: 'configmap' };
      const chart = join(repo, 'examples', 'webapp');
      const installed = await home.helmAsync(['install', 'web', chart, '-n', namespace, '--create-namespace'], env);
      expect(installed.stderr).toBe('');
      const found = await home.helmAsync(['-n', namespace, 'autorollback', 'history', 'web', '--json'], env);
      expect(found.stderr).toBe('');
      expect(JSON.parse(found.stdout)).toMatchObject({
        release: 'web',
        namespace,
        driver: 'configmap',
        rows: [{ revision: 1, status: 'deployed', chart: 'webapp-1.0.0' }],
      });
      // The same release is invisible with the default driver (secret) and in the default namespace.
      const otherDriver = await home.helmAsync(['-n', namespace, 'autorollback', 'history', 'web'], { KUBECONFIG: sim.kubeconfigPath });
      expect(otherDriver.status).toBe(2);
      expect(otherDriver.stderr).toContain(`release "web" not found in namespace "${namespace}" (HELM_DRIVER=secret)`);
      const otherNamespace = await home.helmAsync(['autorollback', 'history', 'web'], env);
      expect(otherNamespace.status).toBe(2);
      expect(otherNamespace.stderr).toContain('release "web" not found in namespace "default"');
    });

    it('honours helm --kube-context (HELM_KUBECONTEXT) and --kubeconfig (KUBECONFIG)', () => {
      const kubeconfig = join(work, 'kubeconfig');
      const ctx = home.helm(['--kube-context', 'no-such-context', 'autorollback', 'history', 'web'], { KUBECONFIG: kubeconfig });
      expect(ctx.status).toBe(2);
      expect(ctx.stderr).toMatch(/no-such-context/);
      const missing = join(work, 'missing', 'kubeconfig');
      const cfg = home.helm(['--kubeconfig', missing, 'autorollback', 'history', 'web']);
      expect(cfg.status).toBe(2);
      expect(cfg.stderr).toContain(missing);
    });

    it('upgrade through helm', async () => {
      // A crash-looping upgrade, run as `helm -n NS autorollback upgrade ...`: the plugin must use the helm that
      // started it (HELM_BIN), the namespace from -n (HELM_NAMESPACE), and roll back to revision 1.
      const namespace = `up-${major}-${method}`;
      const env = { KUBECONFIG: sim.kubeconfigPath };
      const chart = join(repo, 'examples', 'webapp');
      const installed = await home.helmAsync(['install', 'web', chart, '-n', namespace, '--create-namespace', '--wait', '--timeout', '50s'], env);
      expect(installed.stderr).toBe('');
      const r = await home.helmAsync(['-n', namespace, 'autorollback', 'upgrade', 'web', chart, '--set', 'image.tag=crashloop', '--json'], env);
      expect({ status: r.status, stderrTail: r.stderr.slice(-600) }).toEqual({ status: 3, stderrTail: expect.any(String) });
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({ release: 'web', namespace, outcome: 'rolled-back', rollback: { toRevision: 1, newRevision: 3 } });
      expect(['CrashLoopBackOff', 'TooManyRestarts']).toContain(report.failure.reason);
      expect(r.stderr).toContain(`helm ${major})`); // the plain log names the helm it runs
      const history = await home.helmAsync(['history', 'web', '-n', namespace, '-o', 'json'], env);
      const statuses = Object.fromEntries((JSON.parse(history.stdout) as Array<{ revision: number; status: string }>).map((x) => [x.revision, x.status]));
      expect(statuses).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
    }, 120_000);
  });

  it('is removed completely by helm plugin uninstall autorollback', () => {
    // helm 4 keeps a copy of an installed archive next to the plugin folder; uninstall removes both.
    expect(readdirSync(home.plugins).length).toBeGreaterThanOrEqual(1);
    expectOk(home.helm(['plugin', 'uninstall', 'autorollback']));
    expect(readdirSync(home.plugins)).toEqual([]);
    expect(home.helm(['autorollback', 'version']).status).not.toBe(0);
    // A directory install is a link: uninstalling must not touch the checkout it points to.
    expect(existsSync(join(repo, 'plugin.yaml'))).toBe(true);
  });
});

// The standalone binary (Node single executable) is built for linux-x64 only.
const seaPossible = process.platform === 'linux' && process.arch === 'x64';

(seaPossible ? describe : describe.skip)('the plugin with the standalone linux-x64 binary', () => {
  let seaTarball: string;
  let binary: string;

  beforeAll(() => {
    const built = spawnSync(process.execPath, [join(repo, 'scripts', 'build-sea.js')], { cwd: repo, encoding: 'utf8' });
    expect(built.status).toBe(0);
    // postject's (LIEF's) harmless section-name warnings are not shown to whoever packages the plugin.
    expect(`${built.stdout}${built.stderr}`).not.toMatch(/warning|Can't find string offset/i);
    binary = join(repo, 'dist', 'sea', 'helm-autorollback-linux-x64');
    mkdirSync(join(work, 'sea'));
    seaTarball = join(work, 'sea', `helm-autorollback-${version}.tgz`);
    execFileSync(process.execPath, [join(repo, 'scripts', 'package-plugin.js'), '--out', seaTarball], { cwd: repo });
  });

  it('carries the pinned Node 24 LTS, not the Node that built it: `version` reports process.version from inside', () => {
    const own = spawnSync(binary, ['version', '--json'], { encoding: 'utf8', cwd: work, env: { PATH: '/nonexistent', XDG_CACHE_HOME: join(work, 'v-cache') } });
    expect(seaNode.version).toMatch(/^24\./);
    expect(JSON.parse(own.stdout).node).toBe(`v${seaNode.version}`);
  });

  it('runs alone, unpacking its bundle once into the cache folder', () => {
    const cache = join(work, 'sea-cache');
    for (let i = 0; i < 2; i++) {
      const r = spawnSync(binary, ['version', '--json'], { encoding: 'utf8', cwd: work, env: { PATH: '/nonexistent', XDG_CACHE_HOME: cache } });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ version });
    }
    expect(readdirSync(join(cache, 'helm-autorollback'))).toEqual([expect.stringMatching(new RegExp(`^${version.replace(/\./g, '\\.')}-[0-9a-f]{12}$`))]);
  });

  it.each([3, 4] as HelmMajor[])('is what helm %i runs on linux/amd64: works without node on PATH, writes nothing outside the plugin', (major) => {
    const home = helmHome(major);
    const cache = join(work, `no-cache-${major}`);
    try {
      install(home, 'tarball', seaTarball);
      const r = home.helm(['autorollback', 'version', '--json'], { PATH: '/nonexistent', XDG_CACHE_HOME: cache });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ version });
      expect(existsSync(cache)).toBe(false);
      expectOk(home.helm(['plugin', 'uninstall', 'autorollback']));
      expect(readdirSync(home.plugins)).toEqual([]);
    } finally {
      home.remove();
    }
  });
});
