/**
 * The watchdog's metric analysis end to end: the real helm (one major per test file) on kube-sim, the real
 * Prometheus (started here on a free port) scraping a test exporter every second, and the built CLI. The
 * release is upgraded healthily, then the watchdog bakes it while the test drives the exporter's error rate.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { WatchdogReport } from '../../src/domain/watchdog/report.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { startExporter, startPrometheus, type Exporter, type TestPrometheus } from '../metrics/prometheus-harness.js';
import { startWebhookReceiver } from '../notify/webhook-receiver.js';
import { helm, helmEnv, withSim, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const cli = join(repo, 'bin', 'run.js');
const probeChart = join(repo, 'test', 'charts', 'probe');

/** One run of the CLI: exit code, stderr, the --json report; `onLine` sees each stderr line as it comes. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void = () => {}, timeoutMs = 120_000) {
  return new Promise<{ code: number | null; stderr: string; report?: WatchdogReport & { watchdog?: WatchdogReport } }>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      partial += c.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        resolve({ code, stderr, ...(stdout.trim() ? { report: JSON.parse(stdout) } : {}) });
      } catch {
        reject(new Error(`stdout is not JSON:\n${stdout}\n--- stderr:\n${stderr}`));
      }
    });
  });
}

/** Defines the metric e2e cases for one helm major. */
export function defineWatchdogMetricsE2E(major: HelmMajor, options: { rollbackOnly?: boolean } = {}): void {
  describe(`watchdog metric analysis with helm ${major}, real Prometheus, kube-sim`, () => {
    let sim: TestSim;
    let exporter: Exporter;
    let prom: TestPrometheus;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      if (!existsSync(join(repo, 'dist', 'bundle', 'run.mjs'))) throw new Error('dist/bundle/run.mjs missing: run `npm run build` first');
      [sim, exporter] = await Promise.all([withSim({ timeScale: 5 }), startExporter()]);
      prom = await startPrometheus(exporter.port);
      env = helmEnv(sim, major, { HELM_BIN: helmBinary(major), CI: '1', NO_COLOR: '1' });
    });
    afterAll(async () => {
      await prom?.stop();
      await exporter?.close();
      await sim?.stop();
    });

    /** Installs revision 1 and upgrades healthily to revision 2 with the real helm; the exporter reports `ratio`. */
    async function deployTwice(release: string, ns: string, ratio: number): Promise<void> {
      exporter.set(release, ratio);
      for (const tag of ['1.27', '1.28']) {
        const r = await helm(sim, major, ['upgrade', '--install', release, probeChart, '-n', ns, '--create-namespace', '--set', `image=nginx:${tag}`, '--wait', '--timeout', '60s']);
        expect(r.code).toBe(0);
      }
      await prom.waitForSeries(`app_error_ratio{release="${release}"}`);
    }

    const history = async (release: string, ns: string) => {
      const r = await helm(sim, major, ['history', release, '-n', ns, '-o', 'json']);
      return Object.fromEntries((JSON.parse(r.stdout) as Array<{ revision: number; status: string }>).map((x) => [x.revision, x.status]));
    };

    /** The check of every case: the exporter's gauge for this release ({{release}} substituted by the CLI). */
    const errorRatio = ['--query', 'app_error_ratio{release="{{release}}"}', '--fail-if', '> 0.05'];

    it('the error rate rises during the bake: the watchdog rolls back to revision 1 (exit 3) and notifies', async () => {
      const [release, ns] = ['errors', `wm-errors-${major}`];
      await deployTwice(release, ns, 0.01);
      const hooks = await startWebhookReceiver();
      let raised = false;
      const r = await runCli(
        ['watchdog', release, '-n', ns, '--for', '90s', '--prometheus', prom.url, ...errorRatio, '--query-interval', '1s', '--notify', `${hooks.base}/hook-token`, '--notify', `cdevents=${hooks.base}/cd-token`],
        env,
        (line) => {
          // raise the error rate once the check has measured the healthy value
          if (!raised && /metric query-1 = 0\.01 .*: pass/.test(line)) {
            raised = true;
            exporter.set(release, 0.5);
          }
        },
      ).finally(() => hooks.close());
      expect(raised).toBe(true);
      expect({ code: r.code, outcome: r.report?.outcome, reason: r.report?.failure?.reason }).toEqual({ code: 3, outcome: 'rolled-back', reason: 'MetricFailed' });
      expect(r.report?.failure?.object).toBe('metric/query-1');
      expect(r.report?.rollback).toMatchObject({ toRevision: 1, newRevision: 3 });
      expect(await history(release, ns)).toMatchObject({ 1: 'superseded', 3: 'deployed' });
      const byPath = Object.fromEntries(hooks.received.map((x) => [x.path, JSON.parse(x.body) as Record<string, any>]));
      expect(hooks.received).toHaveLength(2);
      expect(byPath['/hook-token']).toMatchObject({ type: 'helm-autorollback.rolled-back', source: 'watchdog', release, revision: 2, toRevision: 1, reason: 'MetricFailed' });
      expect(byPath['/cd-token']).toMatchObject({ specversion: '1.0', type: 'dev.cdevents.service.rolledback.0.2.0', subject: `${ns}/${release}` });
      expect(byPath['/cd-token']!.data.subject.content).toEqual({ environment: { id: ns }, artifactId: `pkg:generic/${release}@1` });
      expect(r.stderr).not.toContain('-token');
    });

    if (options.rollbackOnly) return;

    /** One healthy release (revision 2) for the cases that must not roll back; deployed by the first that needs it. */
    let quiet: Promise<void> | undefined;
    const quietRelease = () => (quiet ??= deployTwice('quiet', `wm-quiet-${major}`, 0.5));

    it('a query that returns nothing: the check is inconclusive, no rollback; the bake ends verified (exit 0)', async () => {
      await quietRelease();
      const hooks = await startWebhookReceiver();
      const r = await runCli(
        ['watchdog', 'quiet', '-n', `wm-quiet-${major}`, '--for', '6s', '--prometheus', prom.url, '--query', 'app_error_ratio{release="nobody"}', '--fail-if', '> 0.05', '--query-interval', '1s', '--failure-limit', '1', '--notify', `slack=${hooks.base}/slack-token`],
        env,
      ).finally(() => hooks.close());
      expect({ code: r.code, outcome: r.report?.outcome }).toEqual({ code: 0, outcome: 'verified' });
      expect(hooks.received.map((x) => JSON.parse(x.body).text)).toEqual([`:white_check_mark: quiet (wm-quiet-${major}): revision 2 verified: the bake ended clean`]);
      expect(r.report?.metrics).toEqual([expect.objectContaining({ check: 'query-1', outcome: 'inconclusive', status: 'inconclusive' })]);
      expect(await history('quiet', `wm-quiet-${major}`)).toEqual({ 1: 'superseded', 2: 'deployed' });
    });

    it('Prometheus stopped: errors retried, the check inconclusive, no rollback; the bake ends verified (exit 0)', async () => {
      await quietRelease(); // its error ratio is 0.5: any measurement would fail
      // a Prometheus of its own, stopped before the watchdog starts
      const own = await startPrometheus(exporter.port);
      await own.stop();
      const r = await runCli(['watchdog', 'quiet', '-n', `wm-quiet-${major}`, '--for', '6s', '--prometheus', own.url, ...errorRatio, '--query-interval', '1s', '--failure-limit', '1'], env);
      expect({ code: r.code, outcome: r.report?.outcome }).toEqual({ code: 0, outcome: 'verified' });
      // with a 1 s interval the errors are retried every second (10 s at most): 4 in a row make it inconclusive
      expect(r.report?.metrics).toEqual([expect.objectContaining({ check: 'query-1', outcome: 'error', status: 'inconclusive' })]);
      expect(r.stderr).toContain(`Prometheus at ${own.url} is unreachable: connection refused`);
      expect(await history('quiet', `wm-quiet-${major}`)).toEqual({ 1: 'superseded', 2: 'deployed' });
    });

    it('with --on-inconclusive rollback, the same unreachable Prometheus does roll back (exit 3)', async () => {
      await quietRelease();
      const r = await runCli(['watchdog', 'quiet', '-n', `wm-quiet-${major}`, '--for', '60s', '--prometheus', 'http://127.0.0.1:9', ...errorRatio, '--query-interval', '1s', '--on-inconclusive', 'rollback'], env);
      expect({ code: r.code, outcome: r.report?.outcome, reason: r.report?.failure?.reason }).toEqual({ code: 3, outcome: 'rolled-back', reason: 'MetricInconclusive' });
      expect(await history('quiet', `wm-quiet-${major}`)).toMatchObject({ 1: 'superseded', 3: 'deployed' });
    });
  });
}
