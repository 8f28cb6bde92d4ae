// API load benchmark (issue 11): what watching a 10-Deployment release costs the API server, from kube-sim's
// request stats (GET /sim/stats: requests by user agent and verb, bytes on the wire both ways), side by side:
//   - an upgrade whose rollout takes about 60 s (10 Deployments of one pod each, slow-starting images: every new
//     pod is Ready 60 s after it starts), counted over the whole flow:
//       ours  = `helm autorollback upgrade` = the helm it runs (with --wait) + the plugin's own informers;
//       helm  = helm 3 `upgrade --wait` (polls every 2 s) / helm 4 `upgrade --wait=watcher` (kstatus informers);
//   - a steady 60 s watch of the healthy release: our watchdog's bake (`watchdog --for 60s`); plain helm has
//     nothing that watches a release after its upgrade, so that row has no helm counterpart.
// Runs in pairs whose user agents differ (ours with helm 3 beside plain helm 4, then ours with helm 4 beside plain
// helm 3), so both sides of a ratio share the machine's load. Real time scale (the 60 s is the point).
// BENCH_LOAD_SLOW_S (default 60) shortens the rollout for a smoke run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, exec, helmEnv, loadSim, root } from './lib/cluster.js';

const chart = join(root, 'bench', 'charts', 'fleet');
const DEPLOYMENTS = 10;

/** Requests and bytes of the user agents `match` accepts, from one stats snapshot. */
function tally(stats, match) {
  const out = { requests: 0, byVerb: {}, sent: 0, received: 0 };
  for (const [ua, verbs] of Object.entries(stats.byUserAgentVerb)) {
    if (!match(ua)) continue;
    for (const [verb, n] of Object.entries(verbs)) {
      out.requests += n;
      out.byVerb[verb] = (out.byVerb[verb] ?? 0) + n;
    }
    out.sent += stats.bytesByUserAgent[ua]?.sent ?? 0;
    out.received += stats.bytesByUserAgent[ua]?.received ?? 0;
  }
  return out;
}

// helm sends `Helm/3.17.3 (...)`, the plugin's client-node `node-fetch/1.0`.
const isHelm = (major) => (ua) => /^helm\/v?(\d+)\./i.exec(ua)?.[1] === String(major);
const isPlugin = (ua) => !ua.toLowerCase().startsWith('helm/');
const either = (a, b) => (ua) => a(ua) || b(ua);

export const benchmark = {
  name: 'api-load',
  description: 'API requests and bytes watching a 10-Deployment release for ~60 s: ours vs helm 3 --wait and helm 4 --wait=watcher (kube-sim stats)',
  async run({ log }) {
    const slow = Number(process.env.BENCH_LOAD_SLOW_S ?? 60);
    const { startSim, helmBinary } = await loadSim();
    const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
    const sim = await startSim({ timeScale: 1, kubeconfigPath: join(dir, 'kubeconfig') });
    const env = { 3: helmEnv(dir, sim.kubeconfigPath, 3, helmBinary), 4: helmEnv(dir, sim.kubeconfigPath, 4, helmBinary) };
    const values = (tag) => ['--set', `deployments=${DEPLOYMENTS}`, '--set', 'replicas=1', '--set', `image=slow-start-${slow}s:${tag}`];
    const ours = (major, ns, tag, extra = []) =>
      exec(process.execPath, [cli, 'upgrade', 'app', chart, '-n', ns, ...values(tag), '--timeout', '5m', '--json', '--no-tui', ...extra], env[major]);
    const helm = (major, ns, tag, extra = []) =>
      exec(helmBinary(major), ['upgrade', '--install', 'app', chart, '-n', ns, ...values(tag), major === 3 ? '--wait' : '--wait=watcher', '--timeout', '5m', ...extra], env[major]);
    const resetStats = () => fetch(`${sim.url}/sim/stats`, { method: 'DELETE' });
    const checkOurs = (r, what) => {
      const report = JSON.parse(r.stdout || '{}');
      if (report.outcome !== 'healthy') throw new Error(`${what}: exit ${r.code}, ${report.outcome ?? r.stderr.trim().split('\n').pop()}`);
    };
    const checkHelm = (r, what) => {
      if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    };
    const rows = [];
    const measured = {};
    try {
      // Baselines (slow-starting too, so the plugin's ledger learns the release's start-up and judges the upgrade
      // on it): all four at once.
      log(`baselines: 4 installs of ${DEPLOYMENTS} Deployments, ~${slow} s each, in parallel`);
      const base = await Promise.all([
        ours(3, 'load-ours-h3', 'a', ['--create-namespace']),
        helm(3, 'load-helm-h3', 'a', ['--create-namespace']),
        ours(4, 'load-ours-h4', 'a', ['--create-namespace']),
        helm(4, 'load-helm-h4', 'a', ['--create-namespace']),
      ]);
      checkOurs(base[0], 'baseline ours/helm 3');
      checkHelm(base[1], 'baseline helm 3');
      checkOurs(base[2], 'baseline ours/helm 4');
      checkHelm(base[3], 'baseline helm 4');

      for (const [oursMajor, helmMajor] of [
        [3, 4],
        [4, 3],
      ]) {
        log(`upgrade: ours (helm ${oursMajor}) beside plain helm ${helmMajor}, ~${slow} s`);
        await resetStats();
        const [o, h] = await Promise.all([ours(oursMajor, `load-ours-h${oursMajor}`, 'b'), helm(helmMajor, `load-helm-h${helmMajor}`, 'b')]);
        const stats = sim.stats();
        checkOurs(o, `ours/helm ${oursMajor}`);
        checkHelm(h, `helm ${helmMajor}`);
        measured[`ours${oursMajor}`] = { ...tally(stats, either(isHelm(oursMajor), isPlugin)), s: o.ms / 1000, helmPart: tally(stats, isHelm(oursMajor)), pluginPart: tally(stats, isPlugin) };
        measured[`helm${helmMajor}`] = { ...tally(stats, isHelm(helmMajor)), s: h.ms / 1000 };
        log(`  ours (helm ${oursMajor}) ${measured[`ours${oursMajor}`].requests} requests in ${(o.ms / 1000).toFixed(1)} s; helm ${helmMajor} ${measured[`helm${helmMajor}`].requests} in ${(h.ms / 1000).toFixed(1)} s; user agents: ${Object.keys(stats.byUserAgent).join(', ')}`);
      }

      log('steady: watchdog --for 60s on the healthy release (helm 4)');
      await resetStats();
      const w = await exec(process.execPath, [cli, 'watchdog', 'app', '-n', 'load-ours-h4', '--for', '60s', '--json', '--no-tui'], env[4]);
      const wStats = sim.stats();
      const wReport = JSON.parse(w.stdout || '{}');
      if (w.code !== 0) throw new Error(`watchdog: exit ${w.code}, ${wReport.outcome ?? w.stderr.trim().split('\n').pop()}`);
      measured.watchdog = { ...tally(wStats, isPlugin), s: w.ms / 1000 };
    } finally {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }

    const kb = (b) => (b / 1024).toFixed(0);
    const writes = (v) => ['create', 'update', 'patch', 'delete', 'deletecollection'].reduce((n, k) => n + (v[k] ?? 0), 0);
    const row = (label, m, vs) => [
      label,
      m.s.toFixed(1),
      m.requests,
      m.byVerb.get ?? 0,
      m.byVerb.list ?? 0,
      m.byVerb.watch ?? 0,
      writes(m.byVerb),
      kb(m.sent),
      kb(m.received),
      vs && vs.requests > 0 ? `${(m.requests / vs.requests).toFixed(2)}x` : '-',
      vs && vs.sent > 0 ? `${(m.sent / vs.sent).toFixed(2)}x` : '-',
    ];
    rows.push(row('helm 3 upgrade --wait', measured.helm3));
    rows.push(row('ours with helm 3 (its helm + our watch)', measured.ours3, measured.helm3));
    rows.push(row('  of which helm 3', { ...measured.ours3.helmPart, s: measured.ours3.s }, measured.helm3));
    rows.push(row('  of which the plugin', { ...measured.ours3.pluginPart, s: measured.ours3.s }, measured.helm3));
    rows.push(row('helm 4 upgrade --wait=watcher', measured.helm4));
    rows.push(row('ours with helm 4 (its helm + our watch)', measured.ours4, measured.helm4));
    rows.push(row('  of which helm 4', { ...measured.ours4.helmPart, s: measured.ours4.s }, measured.helm4));
    rows.push(row('  of which the plugin', { ...measured.ours4.pluginPart, s: measured.ours4.s }, measured.helm4));
    rows.push(row('ours: watchdog --for 60s (steady bake)', measured.watchdog));
    return {
      title: `API load: upgrade of ${DEPLOYMENTS} Deployments whose rollout takes ~${slow} s, and a steady 60 s bake (kube-sim real time)`,
      columns: ['client / flow', 's', 'requests', 'get', 'list', 'watch', 'writes', 'KiB to client', 'KiB from client', 'req vs helm', 'bytes vs helm'],
      rows,
      measured,
      notes: [
        'ours runs helm itself (helm 3 --wait; helm 4 bare --wait = watcher) and adds its informers: ours = that helm + the plugin.',
        '"vs helm": against plain helm of the same major in the same phase (the pairs ran at the same time, so on the same load).',
        'watch: a watch request (a long stream); bytes: HTTP on the wire (headers, bodies, chunk framing) as kube-sim measures it per connection.',
        'kube-sim answers JSON where a real API server would send helm protobuf: helm\'s bytes are those of JSON.',
        'steady bake: helm has no post-upgrade watch (0 requests); the watchdog row is ours alone.',
      ],
    };
  },
};
