// Scale benchmark (issue 11): a release of 200 Deployments / 1,000 pods (bench/charts/fleet), upgraded so that ONE
// Deployment crash-loops, side by side in two namespaces of one simulator:
//   - `empty`: the release alone (1,000 pods);
//   - `crowded`: the same release among 4,000 pods of other workloads (5,000 pods in the namespace).
// Per namespace: time to detect (precise TTD: the plugin's detectedAt minus the millisecond kube-sim committed the
// deciding pod status; TTD from the report), the plugin process's peak RSS and CPU time (node only, helm not
// included: bench/lib/usage-probe.js), and what the plugin read from the API server (requests, bytes received).
// The ratios crowded/empty say whether detection grows with the namespace. Targets: TTD ratio about 1 (must not
// grow with the namespace), peak RSS <= 200 MB. Real time scale (pod start-up, crash and back-off at their own
// pace; TTD is measured from the simulator's own write, so the scale would not distort it, but the 5,000 pods'
// churn would be compressed). Samples: --runs (max 3) upgrades per namespace, alternating.
// BENCH_SCALE_DEPLOYMENTS / _REPLICAS / _OTHER_PODS shrink it (e.g. for a smoke run).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, evidenceRecorder, exec, helmEnv, loadSim, percentile, preciseTtdMs, root } from './lib/cluster.js';

const chart = join(root, 'bench', 'charts', 'fleet');
const num = (name, fallback) => Number(process.env[name] ?? fallback);

/** A Deployment of another workload in the crowded namespace (no release labels). */
function otherDeployment(ns, i, replicas) {
  const labels = { app: `other-${i}` };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `other-${i}`, namespace: ns, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '1m', memory: '1Mi' } } }] } },
    },
  };
}

const readyPods = (store, ns) =>
  store.list('pods', { namespace: ns }).items.filter((p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')).length;

async function until(what, predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export const benchmark = {
  name: 'scale',
  description: 'scale: 200 Deployments / 1,000 pods, one crash-looping, in an empty vs a 5,000-pod namespace: TTD, peak RSS, CPU',
  async run({ runs, log }) {
    const deployments = num('BENCH_SCALE_DEPLOYMENTS', 200);
    const replicas = num('BENCH_SCALE_REPLICAS', 5);
    const otherPods = num('BENCH_SCALE_OTHER_PODS', 4000);
    const samples = Math.min(runs, 3);
    const { startSim, helmBinary } = await loadSim();
    const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
    // Room for 5,000 pods plus surge: 60 nodes of 110 pods.
    const nodes = Array.from({ length: 60 }, (_, i) => ({ name: `scale-node-${i + 1}`, cpu: '64', memory: '256Gi', pods: 110 }));
    const sim = await startSim({ config: { nodes, images: [] }, timeScale: 1, kubeconfigPath: join(dir, 'kubeconfig') });
    const evidence = evidenceRecorder(sim.store);
    const env = helmEnv(dir, sim.kubeconfigPath, 4, helmBinary);
    const spaces = { empty: 'scale-empty', crowded: 'scale-crowded' };
    const results = { empty: [], crowded: [] };
    const setup = {};
    try {
      for (const ns of Object.values(spaces)) sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      // The other workloads: 100-pod Deployments (and a remainder), created straight in the store.
      const started = Date.now();
      const per = Math.min(100, otherPods);
      for (let i = 0, left = otherPods; left > 0; i++, left -= per) sim.store.create('deployments.apps', otherDeployment(spaces.crowded, i, Math.min(per, left)));
      await until(`${otherPods} other pods ready`, () => readyPods(sim.store, spaces.crowded) >= otherPods, 600_000);
      setup.otherPodsReadyS = (Date.now() - started) / 1000;
      log(`${otherPods} other pods ready in ${setup.otherPodsReadyS.toFixed(0)} s`);

      const base = ['--set', `deployments=${deployments}`, '--set', `replicas=${replicas}`];
      const releasePods = deployments * replicas;
      // The release's pods all Ready and nothing else of it left (old or crashing pods gone).
      const settled = (ns) => () => {
        const pods = sim.store.list('pods', { namespace: ns, labelSelector: 'app.kubernetes.io/instance=fleet' }).items;
        return pods.length === releasePods && readyPods(sim.store, ns) >= releasePods + (ns === spaces.crowded ? otherPods : 0);
      };
      // The baselines (both at once) with plain helm and no --wait (helm's own wait over 200 Deployments is what
      // takes long), then the simulator says when every pod is Ready.
      await Promise.all(
        Object.entries(spaces).map(async ([label, ns]) => {
          const t = Date.now();
          const r = await exec(helmBinary(4), ['upgrade', '--install', 'fleet', chart, '-n', ns, ...base, '--qps', '100'], env);
          if (r.code !== 0) throw new Error(`baseline install in ${ns}: ${r.stderr.trim().split('\n').pop()}`);
          await until(`the release in ${ns} ready`, settled(ns), 900_000);
          setup[label] = { installS: (Date.now() - t) / 1000, pods: sim.store.list('pods', { namespace: ns }).items.length };
          log(`${label}: baseline ready in ${setup[label].installS.toFixed(1)} s, ${setup[label].pods} pods in the namespace`);
        }),
      );

      const bad = ['--set', `bad.index=${Math.floor(deployments / 2)}`, '--set', 'bad.image=crashloop:1'];
      for (let i = 0; i < samples; i++) {
        for (const [label, ns] of Object.entries(spaces)) {
          await fetch(`${sim.url}/sim/stats`, { method: 'DELETE' });
          evidence.arm(ns);
          // --no-rollback: the run ends at the verdict (helm stopped, revision failed); a rollback would wait out
          // helm's own --wait over 200 Deployments, which says nothing about us.
          const r = await exec(process.execPath, [cli, 'upgrade', 'fleet', chart, '-n', ns, ...base, ...bad, '--no-rollback', '--json', '--no-tui'], env, { usage: true });
          const stats = sim.stats();
          let report;
          try {
            report = JSON.parse(r.stdout);
          } catch {
            throw new Error(`upgrade in ${ns}: exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
          }
          const plugin = Object.entries(stats.byUserAgent).filter(([ua]) => !ua.startsWith('helm/'));
          const sample = {
            outcome: report.outcome,
            reason: report.failure?.reason,
            preciseTtdMs: preciseTtdMs(evidence, ns, report),
            ttdMs: report.timings?.ttdMs,
            totalMs: r.ms,
            rssMb: r.usage.maxRssKb / 1024,
            cpuS: (r.usage.userMs + r.usage.systemMs) / 1000,
            requests: plugin.reduce((n, [, c]) => n + c, 0),
            mbReceived: plugin.reduce((n, [ua]) => n + (stats.bytesByUserAgent[ua]?.sent ?? 0), 0) / 1e6,
          };
          evidence.disarm(ns);
          results[label].push(sample);
          // Back to the good revision without measuring (plain helm rollback, then the simulator settles).
          const back = await exec(helmBinary(4), ['rollback', 'fleet', String(report.fromRevision ?? ''), '-n', ns, '--qps', '100'].filter(Boolean), env);
          if (back.code !== 0) throw new Error(`rollback in ${ns}: ${back.stderr.trim().split('\n').pop()}`);
          await until(`the release in ${ns} settled again`, settled(ns), 600_000);
          log(`${label} #${i + 1}: ${sample.outcome} ${sample.reason}, precise TTD ${sample.preciseTtdMs} ms, TTD ${sample.ttdMs} ms, RSS ${sample.rssMb.toFixed(0)} MB, CPU ${sample.cpuS.toFixed(1)} s, ${sample.requests} requests, ${sample.mbReceived.toFixed(1)} MB read`);
        }
      }
    } finally {
      evidence.stop();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }

    const med = (label, key) => percentile(results[label].map((s) => s[key]).filter((v) => v !== undefined), 50);
    const max = (label, key) => Math.max(...results[label].map((s) => s[key]));
    const metrics = [
      ['precise TTD (ms, median)', 'preciseTtdMs', 0],
      ['TTD from report (ms, median)', 'ttdMs', 0],
      ['upgrade start -> verdict, helm stopped (s, median)', 'totalMs', 1, 1000],
      ['peak RSS of the plugin (MB, max)', 'rssMb', 0, 1, true],
      ['CPU user+sys of the plugin (s, median)', 'cpuS', 1],
      ['plugin API requests (median)', 'requests', 0],
      ['plugin bytes read (MB, median)', 'mbReceived', 1],
    ];
    const rows = metrics.map(([label, key, digits, div = 1, useMax]) => {
      const e = (useMax ? max : med)('empty', key) / div;
      const c = (useMax ? max : med)('crowded', key) / div;
      return [label, e.toFixed(digits), c.toFixed(digits), Number.isFinite(c / e) && e > 0 ? `${(c / e).toFixed(2)}x` : '-'];
    });
    const ttdE = med('empty', 'preciseTtdMs');
    const ttdC = med('crowded', 'preciseTtdMs');
    const rss = Math.max(max('empty', 'rssMb'), max('crowded', 'rssMb'));
    const outcomes = [...results.empty, ...results.crowded].map((s) => `${s.outcome}/${s.reason}`);
    return {
      title: `scale: ${deployments} Deployments x ${replicas} pods, one crash-looping; namespace alone vs with ${otherPods} other pods (helm 4, kube-sim real time)`,
      columns: ['metric', 'empty ns', `crowded ns (+${otherPods})`, 'crowded/empty'],
      rows,
      ttdRatio: ttdC / ttdE,
      peakRssMb: rss,
      notes: [
        `${samples} failing upgrade(s) per namespace, alternating; outcomes: ${[...new Set(outcomes)].join(', ')}.`,
        `set-up: ${otherPods} other pods ready in ${setup.otherPodsReadyS?.toFixed(0)} s; the release (plain helm 4, no --wait) ready in ${setup.empty?.installS.toFixed(0)} s (empty) / ${setup.crowded?.installS.toFixed(0)} s (crowded).`,
        'the failing upgrades run with --no-rollback (they end at the verdict; helm is stopped and the revision recorded failed); each is then',
        '  rolled back with plain helm and the namespace left to settle, unmeasured.',
        'precise TTD: report failure.detectedAt minus the millisecond kube-sim committed the first CrashLoopBackOff status (in-process).',
        'peak RSS and CPU: the node process of the plugin only (process.resourceUsage at exit), not the helm it runs.',
        'plugin requests/bytes: kube-sim stats of every user agent but helm/* during that upgrade (bytes the server sent).',
      ],
      verdicts: [
        { label: `TTD does not grow with the namespace (crowded/empty ${(ttdC / ttdE).toFixed(2)}x; target <= 1.5x, the noise of one machine)`, ok: ttdC / ttdE <= 1.5 || ttdC - ttdE <= 250 },
        { label: `peak RSS ${rss.toFixed(0)} MB (target <= 200 MB)`, ok: rss <= 200 },
        { label: 'every failing upgrade detected (CrashLoopBackOff or TooManyRestarts), nothing rolled back by mistake', ok: outcomes.every((o) => /^failed-no-rollback\/(CrashLoopBackOff|TooManyRestarts)$/.test(o)) },
      ],
    };
  },
};
