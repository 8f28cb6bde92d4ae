/**
 * A chart with a Service of type LoadBalancer (test/charts/loadbalancer) on a cluster WITHOUT a load-balancer
 * controller (kube-sim `loadBalancer: {enabled: false}`), through `helm autorollback upgrade` with the real
 * helm 3 and 4 (one simulator for the file). helm 3's --wait waits for the Service's address, so the verdict
 * does too: at --timeout the run ends naming the Service, and does not roll back (revision 1 has the same
 * Service, a rollback would not give it an address). helm 4's --wait does not wait for it: healthy, the
 * Service shown as not waited for.
 */
import { join } from 'node:path';
import type { UpgradeReport } from '../../src/domain/upgrade/report.js';
import { defaultSimConfig } from '../../src/sim/config.js';
import { HELM_OVERRUN_MS } from '../../src/services/upgrade-supervise.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, run, withSim, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const cli = join(repo, 'bin', 'run.js');
const chart = join(repo, 'test', 'charts', 'loadbalancer');
/** How long helm gets to stop after SIGTERM before it is killed (the service's default). */
const TERMINATE_GRACE_MS = 30_000;
/** Starting node and the bundle, reading the release history: before --timeout starts counting. */
const STARTUP_ALLOWANCE_MS = 5_000;

let sim: TestSim;
beforeAll(async () => {
  sim = await withSim({ timeScale: 5, config: { ...defaultSimConfig(), loadBalancer: { enabled: false, delaySeconds: 2 } } });
});
afterAll(async () => {
  await sim?.stop();
});

describe.each([3, 4] as HelmMajor[])('helm %i, no load-balancer controller', (major) => {
  it('upgrade --timeout 10s ends within the timeout plus the stated margin and names the pending Service', async () => {
    const ns = `lb-h${major}`;
    expect((await helm(sim, major, ['install', 'web', chart, '-n', ns, '--create-namespace'])).code).toBe(0);
    const env = helmEnv(sim, major, { HELM_BIN: helmBinary(major), CI: '1', NO_COLOR: '1' });
    const timeoutMs = 10_000;
    const started = Date.now();
    const r = await run(process.execPath, [cli, 'upgrade', 'web', chart, '-n', ns, '--set', 'image=nginx:1.28', '--timeout', '10s', '--json'], env, 150_000);
    const elapsed = Date.now() - started;
    const report = JSON.parse(r.stdout) as UpgradeReport;
    expect(elapsed).toBeLessThan(timeoutMs + HELM_OVERRUN_MS + TERMINATE_GRACE_MS + STARTUP_ALLOWANCE_MS);
    // The live log names the Service and what it waits for.
    expect(r.stderr).toMatch(/Service\/web-lb/);
    expect((sim.store.get('services', ns, 'web-lb')?.status as any)?.loadBalancer?.ingress).toBeUndefined();
    if (major === 3) {
      expect(report.outcome).toBe('failed-no-rollback');
      expect(report.noRollbackReason).toBe('no rollback would give Service/web-lb a load-balancer address');
      expect(r.code).toBe(4);
      expect(report.failure).toMatchObject({ reason: 'Timeout', object: 'Service/web-lb' });
      expect(report.failure?.message).toMatch(/waiting for Service\/web-lb: a load-balancer address/);
      expect(r.stderr).toMatch(/only Service\/web-lb still has no load-balancer address .*Not rolling back: revision 1 has the same LoadBalancer Service/);
      expect(report.rollback).toBeUndefined();
      // Never rolled back: helm's history has no rollback revision.
      const history = JSON.parse((await helm(sim, major, ['history', 'web', '-n', ns, '-o', 'json'])).stdout) as Array<{ revision: number; status: string }>;
      expect(history.map((h) => h.revision)).toEqual([1, 2]);
    } else {
      expect(report.outcome).toBe('healthy');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/Service\/web-lb.*not waited for/);
    }
  });
});
