// Time to detect after the first signal (issue 11): p50/p95 over N runs per failure mode (default 20), of
// `helm autorollback upgrade` with helm 4 on kube-sim. The failure modes, their values and set-ups are those of
// bench/upgrade-ttr.js (test/charts/probe); so is the "precise TTD": the plugin's verdict (report
// failure.detectedAt, its own clock) minus the millisecond kube-sim committed the first write showing the deciding
// evidence (seen in-process through store.subscribe; bench/lib/cluster.js). Also the report's own TTD (from the
// signal's Kubernetes timestamp, 1 s resolution).
// One namespace per mode, a healthy baseline installed once through the plugin, then N failing upgrades in a row
// (each rolls back to the baseline). Time scale: 5 where the deciding evidence is one write (the scale shortens
// the wait for it, not the path from it to our verdict); real time for the modes whose rule counts time or
// repeats on the simulator's clock against the plugin's (unready: a grace learned from start-ups; quota: a refusal
// that must repeat; progress-deadline: the deadline condition itself). Modes run one lane each (BENCH_TTD_LANES,
// default 2 at a time). BENCH_TTD_RUNS (default 20), BENCH_TTD_MODES (default all) shrink it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, evidenceRecorder, exec, helmEnv, loadSim, percentile, pool, preciseTtdMs, root } from './lib/cluster.js';
import { baselines, modes, setups } from './upgrade-ttr.js';

const probeChart = join(root, 'test', 'charts', 'probe');
/** Modes that are not failures (nothing to detect). */
const notFailures = new Set(['slow-start']);
/** Modes run at real time scale, and why (see the header). */
const realTime = { unready: 'grace learned from start-ups', quota: 'refusal must repeat', 'progress-deadline': 'deadline on the simulator clock' };
const FAST_SCALE = 5;

export const benchmark = {
  name: 'ttd',
  description: 'time to detect after the first signal, p50/p95 over 20 runs per failure mode (helm autorollback upgrade, helm 4, kube-sim)',
  async run({ log }) {
    const n = Number(process.env.BENCH_TTD_RUNS ?? 20);
    const lanes = Number(process.env.BENCH_TTD_LANES ?? 2);
    const wanted = (process.env.BENCH_TTD_MODES ?? Object.keys(modes).filter((m) => !notFailures.has(m)).join(',')).split(',').filter(Boolean);
    const unknown = wanted.filter((m) => !(m in modes) || notFailures.has(m));
    if (unknown.length) throw new Error(`unknown BENCH_TTD_MODES ${unknown.join(', ')}`);
    const { startSim, helmBinary } = await loadSim();
    const dir = mkdtempSync(join(tmpdir(), 'bench-ttd-'));
    const sims = {
      fast: await startSim({ timeScale: FAST_SCALE, kubeconfigPath: join(dir, 'kubeconfig-fast') }),
      real: await startSim({ timeScale: 1, kubeconfigPath: join(dir, 'kubeconfig-real') }),
    };
    const evidence = Object.fromEntries(Object.entries(sims).map(([k, s]) => [k, evidenceRecorder(s.store, { noPrecise: new Set(['Unready']) })]));
    const envs = Object.fromEntries(Object.entries(sims).map(([k, s]) => [k, helmEnv(join(dir, k), s.kubeconfigPath, 4, helmBinary)]));
    const results = {};
    const runMode = (mode) => async () => {
      const which = mode in realTime ? 'real' : 'fast';
      const sim = sims[which];
      const env = envs[which];
      const ns = `ttd-${mode}`;
      const sets = (list) => list.flatMap((s) => ['--set', s]);
      const install = await exec(process.execPath, [cli, 'upgrade', 'app', probeChart, '-n', ns, '--create-namespace', ...sets(baselines[mode] ?? []), '--json', '--no-tui'], env);
      if (install.code !== 0) {
        results[mode] = { error: `baseline install failed: ${install.stderr.trim().split('\n').pop()}` };
        return;
      }
      setups[mode]?.(sim.store, ns);
      const samples = [];
      for (let i = 0; i < n; i++) {
        evidence[which].arm(ns);
        const r = await exec(process.execPath, [cli, 'upgrade', 'app', probeChart, '-n', ns, ...sets(modes[mode]), '--json', '--no-tui'], env);
        let report;
        try {
          report = JSON.parse(r.stdout);
        } catch {
          samples.push({ error: `exit ${r.code}: ${r.stderr.trim().split('\n').pop()}` });
          continue;
        }
        // Unready's grace is learned, so it has no precise time: its TTD runs from the first unready write.
        const unreadyFrom = evidence[which].seen(ns).Unready;
        const precise = report.failure?.reason === 'Unready' && unreadyFrom !== undefined ? Date.parse(report.failure.detectedAt) - unreadyFrom : preciseTtdMs(evidence[which], ns, report);
        samples.push({ outcome: report.outcome, reason: report.failure?.reason, preciseMs: precise, ttdMs: report.timings?.ttdMs });
        evidence[which].disarm(ns);
        log(`${mode} #${i + 1}: ${report.outcome} ${report.failure?.reason ?? '-'}, precise ${precise ?? '-'} ms, ttd ${report.timings?.ttdMs ?? '-'} ms`);
      }
      results[mode] = { samples, scale: which === 'fast' ? FAST_SCALE : 1 };
    };
    try {
      await pool(wanted.map(runMode), lanes);
    } finally {
      for (const e of Object.values(evidence)) e.stop();
      for (const s of Object.values(sims)) await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }

    const rows = [];
    for (const mode of wanted) {
      const r = results[mode];
      if (r.error) {
        rows.push([mode, '-', r.error, '', '', '', '', '', '']);
        continue;
      }
      const ok = r.samples.filter((s) => !s.error);
      const precise = ok.map((s) => s.preciseMs).filter((v) => v !== undefined);
      const ttd = ok.map((s) => s.ttdMs).filter((v) => v !== undefined && v !== null);
      const reasons = [...new Set(ok.map((s) => `${s.reason ?? s.outcome}`))].join('/');
      const rolledBack = ok.filter((s) => s.outcome === 'rolled-back').length;
      const f = (v) => (v === undefined ? '-' : String(Math.round(v)));
      rows.push([mode, r.scale, reasons, `${rolledBack}/${r.samples.length}`, f(percentile(precise, 50)), f(percentile(precise, 95)), f(Math.max(...precise)), f(percentile(ttd, 50)), f(percentile(ttd, 95))]);
    }
    // Unready verdicts wait out their grace on purpose (unready, and progress-deadline whose pods never get Ready).
    const graceBound = (m) => results[m].samples?.every((x) => x.reason === 'Unready');
    const worst95 = Math.max(...wanted.filter((m) => results[m].samples && !graceBound(m)).map((m) => percentile(results[m].samples.map((s) => s.preciseMs).filter((v) => v !== undefined), 95) ?? Infinity));
    return {
      title: `time to detect after the first signal (ms), ${n} failing upgrades per mode (helm autorollback upgrade, helm 4, kube-sim)`,
      columns: ['failure mode', 'scale', 'verdict', 'rolled back', 'precise p50', 'precise p95', 'precise max', 'TTD p50', 'TTD p95'],
      rows,
      notes: [
        'precise: our verdict (report detectedAt) minus the millisecond kube-sim committed the deciding write (first status/Event showing it).',
        '  unready: minus the first write of a running, unready container, so it includes the grace the rule waits on purpose',
        '  (learned from the release\'s start-ups; never before the chart\'s readiness-probe budget, ~8 s here).',
        'TTD: the report\'s own, from the signal\'s Kubernetes timestamp (1 s resolution, so it can read up to 1 s high).',
        `scale ${FAST_SCALE}: modes decided by one write (the scale only shortens the wait for it); 1: ${Object.entries(realTime).map(([m, why]) => `${m} (${why})`).join(', ')}.`,
        `${lanes} modes at a time on the shared machine; a baseline install through the plugin per mode, then the failing upgrades in a row.`,
      ],
      verdicts: [{ label: `precise TTD p95 <= 1 s in every mode but those decided Unready after their grace (worst p95 ${Math.round(worst95)} ms)`, ok: worst95 <= 1000 }],
    };
  },
};
