// Metric-level degradation benchmark of the watchdog (issue 9): on kube-sim with the real helm 4 and the real
// Prometheus (Debian's package; scrape and rule evaluation every second) scraping a small exporter, a release
// is upgraded healthily, the watchdog bakes it with one check (`app_error_ratio > 0.05`), the exporter's error
// ratio is raised, and we time
//   crossing -> rollback started: from the moment the exporter serves the raised value to the moment the
//   watchdog's `rollback started` line arrives on its stderr (both clocks are this process's).
// The value is raised right after a passing measurement (the worst phase), so the expected time is the failure
// limit x the query interval, plus up to one scrape (1 s); it is printed beside each measurement. A benchmark, not a test: it measures and reports, it never fails the build.
// Configurations: failure limit 1 and 3 at a 1 s query interval, and 3 at 2 s. Samples per cell: --runs (max 3).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const probeChart = join(root, 'test', 'charts', 'probe');
const cli = join(root, 'bin', 'run.js');

/** The configurations measured: query interval and failure limit. */
const CONFIGS = [
  { intervalS: 1, limit: 1 },
  { intervalS: 1, limit: 3 },
  { intervalS: 2, limit: 3 },
];

/** A one-gauge exporter: app_error_ratio{release}. */
async function startExporter() {
  const values = new Map();
  const server = createServer((req, res) => {
    const lines = ['# TYPE app_error_ratio gauge', ...[...values].map(([r, v]) => `app_error_ratio{release="${r}"} ${v}`)];
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, set: (r, v) => values.set(r, v), close: () => new Promise((resolve) => server.close(resolve)) };
}

async function freePort() {
  const s = createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Prometheus on a free port with a temp config and storage, scraping the exporter every second. */
async function startPrometheus(exporterPort, dir) {
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ["127.0.0.1:${exporterPort}"]\n`);
  const child = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  // Prometheus has no readiness event; /-/ready is its documented probe.
  while (!(await fetch(`${url}/-/ready`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error('prometheus did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

/** Runs a command to completion; resolves with its exit code and output. */
function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The watchdog line that says the rollback starts. */
const ROLLBACK_LINE = /^\S+ rolling back to revision \d+/;
/** A watchdog line reporting a passing measurement of the check. */
const PASS_LINE = /metric query-1 = 0\.01 .*: pass/;

export const benchmark = {
  name: 'watchdog-metric',
  description: 'watchdog: metric crossing -> rollback started (real Prometheus, kube-sim, helm 4)',
  async run({ runs, log }) {
    if (!existsSync(join(root, 'dist', 'bundle', 'run.mjs'))) throw new Error('dist/bundle/run.mjs missing: run `npm run build` first');
    const samples = Math.min(runs, 3);
    const dir = mkdtempSync(join(tmpdir(), 'har-bench-wm-'));
    const { startSim } = await import(join(root, 'dist', 'sim', 'index.js'));
    const { helmBinary } = await import(join(root, 'dist', 'toolchain', 'binaries.js'));
    const sim = await startSim({ timeScale: 5, kubeconfigPath: join(dir, 'kubeconfig') });
    const exporter = await startExporter();
    const prom = await startPrometheus(exporter.port, dir);
    for (const d of ['home', 'cache', 'config', 'data', 'kube']) mkdirSync(join(dir, d), { recursive: true });
    const env = {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      HELM_CACHE_HOME: join(dir, 'cache'),
      HELM_CONFIG_HOME: join(dir, 'config'),
      HELM_DATA_HOME: join(dir, 'data'),
      KUBECACHEDIR: join(dir, 'kube'),
      KUBECONFIG: sim.kubeconfigPath,
      HELM_BIN: helmBinary(4),
      CI: '1',
      NO_COLOR: '1',
    };
    const rows = [];
    try {
      let n = 0;
      for (const c of CONFIGS) {
        const times = [];
        for (let i = 0; i < samples; i += 1) {
          n += 1;
          const release = `wm${n}`;
          const ns = `bench-wm-${n}`;
          exporter.set(release, 0.01);
          for (const tag of ['1.27', '1.28']) {
            const r = await run(helmBinary(4), ['upgrade', '--install', release, probeChart, '-n', ns, '--create-namespace', '--set', `image=nginx:${tag}`, '--wait', '--timeout', '60s'], env);
            if (r.code !== 0) throw new Error(`helm failed: ${r.out}`);
          }
          const ms = await new Promise((resolve, reject) => {
            let raisedAt = 0;
            let measured;
            const child = spawn(process.execPath, [cli, 'watchdog', release, '-n', ns, '--for', '120s', '--prometheus', prom.url, '--query', 'app_error_ratio{release="{{release}}"}', '--fail-if', '> 0.05', '--query-interval', `${c.intervalS}s`, '--failure-limit', String(c.limit)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
            let partial = '';
            child.stderr.on('data', (d) => {
              partial += d;
              const lines = partial.split('\n');
              partial = lines.pop() ?? '';
              for (const line of lines) {
                if (raisedAt === 0 && PASS_LINE.test(line)) {
                  exporter.set(release, 0.5);
                  raisedAt = Date.now();
                } else if (raisedAt > 0 && measured === undefined && ROLLBACK_LINE.test(line)) {
                  measured = Date.now() - raisedAt;
                }
              }
            });
            child.on('close', (code) => (measured === undefined ? reject(new Error(`watchdog exited ${code} without a rollback`)) : resolve(measured)));
          });
          log(`interval ${c.intervalS}s, limit ${c.limit}: ${ms} ms`);
          times.push(ms);
        }
        times.sort((a, b) => a - b);
        const expected = `${c.limit * c.intervalS}-${c.limit * c.intervalS + 1} s`;
        rows.push([`interval ${c.intervalS}s, failure limit ${c.limit}`, times[Math.floor(times.length / 2)], times[times.length - 1], expected]);
      }
    } finally {
      await prom.stop();
      await exporter.close();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      title: 'watchdog metric crossing -> rollback started (ms; Prometheus scrapes every 1 s)',
      columns: ['check', 'median ms', 'max ms', 'expected'],
      rows,
      notes: [
        `${samples} sample(s) per row; the crossing is the moment the exporter serves the raised value; the end is the watchdog's rollback line on stderr.`,
        'the value is raised right after a passing measurement (the worst phase): the next one is a full interval away, so expected = failure limit x interval, plus up to one 1 s scrape.',
      ],
    };
  },
};
