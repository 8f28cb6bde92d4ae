// Pod-level degradation benchmark of the watchdog (issue 9): on kube-sim (time scale 5) with the real helm 4, a
// release is upgraded with plain helm to `nginx:crash-after-20s` (healthy for 20 simulated seconds, then exits 1
// on every run: it passes helm --wait), the watchdog bakes it, and we time, from its --json report,
//   first signal -> rollback started: failure.firstSignalAt (the kubelet's timestamp of the deciding crash, whole
//   seconds) to rollback.startedAt (the watchdog's decision, which starts the rollback at once).
// Two rule settings: the defaults (a CrashLoopBackOff after a crash in the bake) and --bake-max-restarts 1.
// A benchmark, not a test: it measures and reports, it never fails the build. Samples per row: --runs (max 3).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const probeChart = join(root, 'test', 'charts', 'probe');
const cli = join(root, 'bin', 'run.js');
const CONFIGS = [
  { label: 'defaults (CrashLoopBackOff)', flags: [] },
  { label: '--bake-max-restarts 1', flags: ['--bake-max-restarts', '1'] },
];

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', () => undefined);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const benchmark = {
  name: 'watchdog-pod',
  description: 'watchdog: first pod-level degradation signal -> rollback started (kube-sim, helm 4)',
  async run({ runs, log }) {
    if (!existsSync(join(root, 'dist', 'bundle', 'run.mjs'))) throw new Error('dist/bundle/run.mjs missing: run `npm run build` first');
    const samples = Math.min(runs, 3);
    const dir = mkdtempSync(join(tmpdir(), 'har-bench-wp-'));
    const { startSim } = await import(join(root, 'dist', 'sim', 'index.js'));
    const { helmBinary } = await import(join(root, 'dist', 'toolchain', 'binaries.js'));
    const sim = await startSim({ timeScale: 5, kubeconfigPath: join(dir, 'kubeconfig') });
    for (const d of ['home', 'cache', 'config', 'data', 'kube']) mkdirSync(join(dir, d), { recursive: true });
    const env = {
      PATH: process.env.PATH, HOME: join(dir, 'home'), HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'),
      HELM_DATA_HOME: join(dir, 'data'), KUBECACHEDIR: join(dir, 'kube'), KUBECONFIG: sim.kubeconfigPath, HELM_BIN: helmBinary(4), CI: '1',
    };
    const rows = [];
    try {
      for (const [c, config] of CONFIGS.entries()) {
        const spans = [];
        for (let i = 0; i < samples; i++) {
          const ns = `bench-wp-${c}-${i}`;
          const helm = (args) => run(helmBinary(4), [...args, '-n', ns], env);
          await helm(['upgrade', '--install', 'wp', probeChart, '--create-namespace', '--wait', '--set', 'image=nginx:1.27']);
          await helm(['upgrade', 'wp', probeChart, '--wait', '--set', 'image=nginx:crash-after-20s']);
          const r = await run(process.execPath, [cli, 'watchdog', 'wp', '-n', ns, '--for', '3m', '--json', ...config.flags], env);
          const report = JSON.parse(r.stdout);
          if (report.outcome !== 'rolled-back') throw new Error(`expected a rollback, got ${report.outcome}`);
          const span = Date.parse(report.rollback.startedAt) - Date.parse(report.failure.firstSignalAt);
          log?.(`${config.label}: ${report.failure.reason}, ${span} ms`);
          spans.push(span);
        }
        rows.push([config.label, median(spans), Math.max(...spans)]);
      }
    } finally {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      title: 'watchdog pod-level first signal -> rollback started (ms)',
      columns: ['rules', 'median ms', 'max ms'],
      rows,
      notes: [
        `${samples} sample(s) per row; the first signal is the kubelet's finishedAt of the deciding crash (whole seconds: up to 1 s of the span is that rounding).`,
        'the decision and the start of the rollback are the same moment (rollback.startedAt); helm rollback is launched right after.',
      ],
    };
  },
};
