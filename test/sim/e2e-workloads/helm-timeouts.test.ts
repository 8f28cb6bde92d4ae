/**
 * helm's own --timeout against kube-sim: an upgrade to a crash-looping image never becomes ready, so
 * `--wait --timeout 30s` fails at the timeout (not earlier, not much later) and leaves the release failed;
 * `--atomic` (helm 3) / `--rollback-on-failure` (helm 4) then rolls the Deployment back to the good image.
 * Both majors run concurrently, each on its own simulator, because the 30 s are real time.
 */
import type { HelmMajor } from '../../../src/toolchain/binaries.js';
import { helm, kubectl, withSim, writeChart } from '../helpers.js';
import { condition, failed, ok, podsOf, releaseRecords, timed, until, webChart, type Json } from './support.js';

const rollbackFlag: Record<HelmMajor, string> = { 3: '--atomic', 4: '--rollback-on-failure' };

it.concurrent.each([3, 4] as HelmMajor[])(
  'helm %i: upgrade --wait --timeout 30s to a crashloop image fails at the timeout; the rollback flag restores the release',
  async (major) => {
    const sim = await withSim({ timeScale: 10 });
    try {
      const chart = writeChart(sim.dir, 'web', webChart);
      ok(await helm(sim, major, ['install', 'api', chart, '--wait', '--timeout', '60s']));

      const { value: upgrade, ms } = await timed(() => helm(sim, major, ['upgrade', 'api', chart, '--set', 'image=crashloop:1', '--wait', '--timeout', '30s']));
      expect(failed(upgrade)).toMatch(/UPGRADE FAILED/);
      expect(upgrade.stderr).toMatch(/context deadline exceeded|timed out|timeout/i);
      expect(ms).toBeGreaterThanOrEqual(29_000);
      expect(ms).toBeLessThan(50_000);
      // A failed upgrade leaves the previous revision deployed.
      expect(releaseRecords(sim, 'api')).toEqual(['1 deployed', '2 failed']);
      expect(ok(await helm(sim, major, ['status', 'api']))).toMatch(/STATUS: failed/);
      const history = JSON.parse(ok(await helm(sim, major, ['history', 'api', '-o', 'json']))) as Array<{ revision: number; status: string }>;
      expect(history.map((h) => `${h.revision} ${h.status}`)).toEqual(['1 deployed', '2 failed']);
      // The new pod crash-loops while the old ones keep serving (maxUnavailable rounds down to 0).
      const crashing = podsOf(sim, 'api').find((p) => (p.spec as Json).containers[0].image === 'crashloop:1');
      expect((crashing?.status as Json).containerStatuses[0].restartCount).toBeGreaterThanOrEqual(1);
      expect(podsOf(sim, 'api').filter((p) => (p.spec as Json).containers[0].image === 'nginx:1.27' && condition(p, 'Ready')?.status === 'True')).toHaveLength(2);

      const { value: atomic, ms: atomicMs } = await timed(() =>
        helm(sim, major, ['upgrade', 'api', chart, '--set', 'image=crashloop:2', rollbackFlag[major], '--timeout', '6s']),
      );
      expect(failed(atomic)).toMatch(/has been rolled back/);
      expect(atomicMs).toBeGreaterThanOrEqual(5_500);
      // The rollback targets the last successful revision: 1 (nginx:1.27), as revision 4.
      const records = releaseRecords(sim, 'api');
      expect(records).toEqual(['1 superseded', '2 failed', '3 failed', '4 deployed']);
      const deploy = sim.store.get('deployments.apps', 'default', 'api');
      expect((deploy?.spec as Json).template.spec.containers[0].image).toBe('nginx:1.27');
      await until(sim, 'crash-looping pods gone after the rollback', () =>
        podsOf(sim, 'api').every((p) => (p.spec as Json).containers[0].image === 'nginx:1.27') ? true : undefined,
      );
      const rollout = ok(await kubectl(sim, ['rollout', 'status', 'deploy/api', '--timeout', '30s'], major));
      expect(rollout).toMatch(/successfully rolled out/);
    } finally {
      await sim.stop();
    }
  },
  150_000,
);
