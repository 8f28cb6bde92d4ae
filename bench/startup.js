// Start-up benchmark: how long a fresh process takes to print `--help`, next to `node -e 0` (the floor any
// Node CLI pays), measured side by side in one run. Target (issue 5): `node bin/run.js --help` <= 5x `node -e 0`.
//
// Each sample is a new process (no warm daemon); the OS file cache is warm after the first, discarded round.
// Commands are interleaved round by round so that machine load hits all of them alike; the median is reported.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Median of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The q-quantile (0..1) of numbers, nearest rank. */
export function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Wall-clock milliseconds of one run of `file args`; throws if it fails (a broken CLI is not fast). */
function timeOnce({ file, args, env, cwd }) {
  const started = process.hrtime.bigint();
  const r = spawnSync(file, args, { env: { ...process.env, ...env }, cwd: cwd ?? root, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  return ms;
}

/** The same CLI run the way bin/run.js did before the bundle: tsc output, oclif finding commands on disk. */
function unbundledScript() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const pjson = { ...pkg, oclif: { ...pkg.oclif, commands: './dist/commands' } };
  return `import { execute } from '@oclif/core'; await execute({ args: ['--help'], loadOptions: { root: ${JSON.stringify(root)}, pjson: ${JSON.stringify(pjson)} } });`;
}

/** Installs the checkout as a helm plugin into a throwaway helm home; returns the env to run that helm with. */
function helmWithPlugin(helm) {
  const home = mkdtempSync(join(tmpdir(), 'bench-helm-'));
  const env = { HELM_DATA_HOME: join(home, 'data'), HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache') };
  execFileSync(helm, ['plugin', 'install', root], { env: { ...process.env, ...env }, stdio: 'ignore' });
  return { env, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** The start-up benchmark, for bench/run.js. */
export const benchmark = {
  name: 'startup',
  description: 'cold start of --help: bundle, unbundled tsc output and through helm, vs node -e 0',
  async run({ runs, log }) {
    if (!existsSync(join(root, 'dist', 'bundle', 'run.mjs'))) throw new Error('dist/bundle/run.mjs is missing: run `npm run build`');
    const node = process.execPath;
    const cleanupsBefore = [];
    const cases = [
      { label: 'node -e 0 (baseline)', file: node, args: ['-e', '0'] },
      { label: 'node bin/run.js --help (bundle)', file: node, args: ['bin/run.js', '--help'], target: true },
      { label: 'node bin/run.js version (bundle)', file: node, args: ['bin/run.js', 'version'] },
    ];
    const sea = join(root, 'dist', 'sea', 'helm-autorollback-linux-x64');
    if (existsSync(sea)) {
      // Standalone use: the first (dropped) round unpacks its bundle into this throwaway cache folder.
      const cache = mkdtempSync(join(tmpdir(), 'bench-sea-cache-'));
      cleanupsBefore.push(() => rmSync(cache, { recursive: true, force: true }));
      cases.push({ label: 'standalone binary --help (npm run build:sea)', file: sea, args: ['--help'], env: { XDG_CACHE_HOME: cache } });
    }
    if (existsSync(join(root, 'dist', 'commands'))) {
      cases.push({ label: 'tsc output, no bundle: --help', file: node, args: ['--input-type=module', '-e', unbundledScript()] });
    }
    const cleanups = cleanupsBefore;
    try {
      const { helmBinary } = await import('../dist/toolchain/binaries.js');
      for (const major of [3, 4]) {
        const helm = helmBinary(major);
        const installed = helmWithPlugin(helm);
        cleanups.push(installed.remove);
        cases.push({ label: `helm ${major} version --short (helm alone)`, file: helm, args: ['version', '--short'], env: installed.env });
        cases.push({ label: `helm ${major}: helm autorollback --help`, file: helm, args: ['autorollback', '--help'], env: installed.env });
      }
    } catch (error) {
      log(`through-helm rows skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      const samples = cases.map(() => []);
      for (let round = 0; round <= runs; round++) {
        cases.forEach((c, i) => {
          const ms = timeOnce(c);
          if (round > 0) samples[i].push(ms); // round 0 warms the file cache and is dropped
        });
        if (round > 0 && round % 5 === 0) log(`${round}/${runs} rounds`);
      }
      const base = median(samples[0]);
      const rows = cases.map((c, i) => [c.label, median(samples[i]).toFixed(1), quantile(samples[i], 0.9).toFixed(1), `${(median(samples[i]) / base).toFixed(2)}x`]);
      const target = cases.findIndex((c) => c.target);
      const ratio = median(samples[target]) / base;
      return {
        title: `start-up, median of ${runs} interleaved runs per command (node ${process.version})`,
        columns: ['command', 'median ms', 'p90 ms', 'vs node -e 0'],
        rows,
        notes: ['each run is a new process; the first round (file cache warm-up) is not counted'],
        verdicts: [{ label: `node bin/run.js --help is ${ratio.toFixed(2)}x node -e 0 (target <= 5x)`, ok: ratio <= 5 }],
        ratio,
      };
    } finally {
      for (const c of cleanups) c();
    }
  },
};
