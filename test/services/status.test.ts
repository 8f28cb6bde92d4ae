import type { HealthOptions } from '../../src/domain/health/types.js';
import type { ReleaseStatus } from '../../src/domain/release/release.js';
import { status } from '../../src/services/status.js';
import { at, NS } from '../domain/fixtures.js';
import { podManifest as manifest, pullingPod, readyPod } from './pods.js';
import { FakeClock, FakeLedger, FakeReleases, FakeWatch } from './upgrade-fakes.js';

const health: HealthOptions = { maxRestarts: 2, unschedulableGraceMs: 30_000, unreadyGraceMs: 120_000, timeoutMs: 300_000, waitForJobs: false, minStableMs: 0 };

function setup(statuses: ReleaseStatus[]) {
  const clock = new FakeClock(at(60).getTime());
  const watch = new FakeWatch();
  const releases = new FakeReleases('web', NS, () => watch.changed());
  statuses.forEach((s, i) => releases.put(i + 1, s, manifest(String(i + 1))));
  watch.releases = releases;
  const ledger = new FakeLedger();
  return { clock, watch, releases, ledger, deps: { releases, ledger, watch, clock }, req: { release: 'web', namespace: NS, health } };
}

describe('status service', () => {
  it('healthy: the deployed revision, its health from one snapshot, the last known good, the verdicts, a rollback now', async () => {
    const s = setup(['superseded', 'failed', 'deployed']);
    s.ledger.entries = [
      { revision: 2, verdict: 'failed', reason: 'OOMKilled', decidedAt: at(1) },
      { revision: 3, verdict: 'healthy', decidedAt: at(2) },
    ];
    s.watch.current = { ...s.watch.current, pods: [readyPod('3')] };
    const r = await status(s.deps, s.req);
    expect(r).toMatchObject({
      deployedRevision: 3,
      latestRevision: 3,
      latestStatus: 'deployed',
      health: { state: 'healthy', workloads: [expect.objectContaining({ kind: 'Pod', name: 'web', ready: 1 })] },
      lastKnownGood: 1,
      verdicts: [{ revision: 3, verdict: 'healthy' }, { revision: 2, verdict: 'failed', reason: 'OOMKilled' }],
      rollback: { toRevision: 1, findings: [] },
      pending: null,
      healthy: true,
    });
    expect(s.watch.started && s.watch.stopped).toBe(true);
  });

  it('degraded: the failure as upgrade reports it, not healthy', async () => {
    const s = setup(['superseded', 'deployed']);
    s.watch.current = { ...s.watch.current, pods: [pullingPod('2')] };
    const r = await status(s.deps, s.req);
    expect(r.health).toMatchObject({ state: 'degraded', reason: 'ImagePullBackOff', object: 'Pod/web', container: 'app' });
    expect(r.healthy).toBe(false);
  });

  it('a release stuck in pending-upgrade is not healthy and says how to recover', async () => {
    const s = setup(['superseded', 'deployed', 'pending-upgrade']);
    s.watch.current = { ...s.watch.current, pods: [readyPod('2')] };
    const r = await status(s.deps, s.req);
    expect(r.health.state).toBe('healthy');
    expect(r.pending).toMatch(/stuck in pending-upgrade \(revision 3\).*helm rollback web 2 -n prod/);
    expect(r.healthy).toBe(false);
  });

  it('no rollback possible: says why, still reports', async () => {
    const s = setup(['deployed']);
    s.watch.current = { ...s.watch.current, pods: [readyPod('1')] };
    const r = await status(s.deps, s.req);
    expect(r.lastKnownGood).toBeNull();
    expect(r.rollback).toEqual({ toRevision: null, findings: [], refusal: expect.stringMatching(/^no revision to roll back to/) });
    expect(r.healthy).toBe(true);
  });
});
