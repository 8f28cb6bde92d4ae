import type { HealthOptions } from '../../src/domain/health/types.js';
import type { Hook } from '../../src/domain/release/release.js';
import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import { upgrade, type UpgradeRequest } from '../../src/services/upgrade.js';
import { at, NS } from '../domain/fixtures.js';
import { podManifest as manifest, pullingPod, readyPod } from './pods.js';
import { FakeClock, FakeHelm, FakeLedger, FakeReleases, FakeWatch, settle } from './upgrade-fakes.js';

const health: HealthOptions = { maxRestarts: 2, unschedulableGraceMs: 30_000, unreadyGraceMs: 120_000, timeoutMs: 300_000, waitForJobs: false, minStableMs: 0 };
const migrate: Hook = {
  name: 'db-migrate', kind: 'Job', path: 'web/templates/migrate.yaml', events: ['pre-upgrade'], lastRun: { phase: 'Succeeded' }, weight: 0, deletePolicies: [],
  manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: db-migrate\n  annotations:\n    autorollback.helm.sh/migration: "true"\n',
};

/** An upgrade from revision 1 whose revision 2 ran a migration hook, then fails with ImagePullBackOff. */
async function failedUpgradeWithMigration(policy: 'warn' | 'block') {
  const clock = new FakeClock(at(10).getTime());
  const watch = new FakeWatch();
  const releases = new FakeReleases('web', NS, () => watch.changed());
  releases.put(1, 'deployed', manifest('1'));
  watch.releases = releases;
  const helm = new FakeHelm();
  const ledger = new FakeLedger();
  const events: UpgradeEvent[] = [];
  const req: UpgradeRequest = {
    release: 'web', chart: './chart', namespace: NS, helmArgs: [], helmGlobalArgs: ['--kube-context', 'prod'], health,
    noRollback: false, keepFailedInstall: false, recoverPending: false, migrationPolicy: policy,
  };
  const done = upgrade({ helm, watch, releases, ledger, clock, marker: releases, emit: (e) => events.push(e) }, req);
  const proc = await helm.next('upgrade');
  proc.onTerminate = () => releases.setStatus(2, 'failed');
  releases.put(2, 'pending-upgrade', manifest('2'));
  (releases.revisions[1] as { hooks: Hook[] }).hooks = [migrate];
  await settle();
  watch.set({ pods: [pullingPod('2')] });
  return { done, helm, releases, watch, events };
}

describe('guards in upgrade\'s automatic rollback', () => {
  it('warn (default): reports the crossed migration, then rolls back', async () => {
    const s = await failedUpgradeWithMigration('warn');
    const rb = await s.helm.next('rollback');
    expect(s.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'guard-findings', toRevision: 1, findings: [expect.objectContaining({ guard: 'migration', severity: 'warn' })] })]));
    s.releases.put(3, 'deployed', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    rb.exit(0);
    const report = await s.done;
    expect(report.outcome).toBe('rolled-back');
    expect(report.guards).toEqual([expect.objectContaining({ guard: 'migration', severity: 'warn', message: expect.stringMatching(/^revision 2's pre-upgrade hook Job\/db-migrate/) })]);
    expect(report.blocked).toBeUndefined();
  });

  it('block: the failed revision\'s migration ran, so it stops without rolling back (exit 4) and gives the manual command', async () => {
    const s = await failedUpgradeWithMigration('block');
    const report = await s.done;
    expect(s.helm.verbs()).toEqual(['upgrade']);
    expect(report).toMatchObject({ outcome: 'failed-no-rollback', notRolledBack: 'blocked' });
    expect(report.blocked).toEqual({
      guard: 'migration',
      message: expect.stringMatching(/^revision 2's pre-upgrade hook Job\/db-migrate .* ran \(Succeeded\)/),
      command: `helm autorollback rollback web 1 -n ${NS} --kube-context prod --migration-policy warn`,
    });
    expect(s.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'notice', message: expect.stringMatching(/^not rolling back \(--migration-policy block\)/) })]));
  });
});
