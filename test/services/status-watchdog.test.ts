import type { HealthOptions } from '../../src/domain/health/types.js';
import { createWatchdogLeases } from '../../src/kube/watchdog-lease.js';
import { status } from '../../src/services/status.js';
import { statusLines } from '../../src/ui/status-text.js';
import { at, NS } from '../domain/fixtures.js';
import { podManifest as manifest, readyPod } from './pods.js';
import { FakeClock, FakeLedger, FakeReleases, FakeWatch } from './upgrade-fakes.js';
import { MemoryLeaseApi } from './watchdog-fakes.js';

const health: HealthOptions = { maxRestarts: 2, unschedulableGraceMs: 30_000, unreadyGraceMs: 120_000, timeoutMs: 300_000, waitForJobs: false, minStableMs: 0 };

function setup() {
  const clock = new FakeClock(at(60).getTime());
  const watch = new FakeWatch();
  const releases = new FakeReleases('web', NS, () => watch.changed());
  ['superseded', 'deployed'].forEach((s, i) => releases.put(i + 1, s as 'deployed', manifest(String(i + 1))));
  watch.releases = releases;
  watch.current = { ...watch.current, pods: [readyPod('2')] };
  const leases = createWatchdogLeases(new MemoryLeaseApi());
  return { clock, leases, deps: { releases, ledger: new FakeLedger(), watch, clock, leases }, req: { release: 'web', namespace: NS, health } };
}

describe('status shows an armed watchdog', () => {
  it('none armed', async () => {
    const s = setup();
    const r = await status(s.deps, s.req);
    expect(r.watchdog).toBeNull();
    expect(statusLines(r).map((l) => l.text)).toContain('  watchdog     none armed');
  });

  it('armed: holder, baked revision, target and deadline; an expired lease says its holder stopped', async () => {
    const s = setup();
    await s.leases.acquire('web', NS, { holder: 'ci@runner/9/ab', revision: 2, target: 1, deadline: at(660), durationMs: 15_000 }, at(55));
    const r = await status(s.deps, s.req);
    expect(r.watchdog).toEqual({ holder: 'ci@runner/9/ab', revision: 2, target: 1, deadline: at(660).toISOString(), renewedAt: at(55).toISOString(), live: true, disarmRequested: false });
    expect(statusLines(r).map((l) => l.text)).toContain(`  watchdog     armed on revision 2, held by ci@runner/9/ab, bake ends ${at(660).toISOString()}, target revision 1`);
    s.clock.advance(11_000);
    const late = await status(s.deps, s.req);
    expect(late.watchdog?.live).toBe(false);
    expect(statusLines(late).find((l) => l.label === 'watchdog')?.text).toMatch(/lease expired \(its holder stopped renewing at .*\): revision 2/);
  });

  it('a Lease that cannot be read (RBAC refused it) is said, not shown as none armed; status still answers', async () => {
    const s = setup();
    const refused = { ...s.leases, read: () => Promise.reject(new Error('forbidden: not allowed to get leases.coordination.k8s.io in namespace "shop" (403)')) };
    const r = await status({ ...s.deps, leases: refused }, s.req);
    expect(r.watchdog).toBeNull();
    expect(r.watchdogUnreadable).toBe('forbidden: not allowed to get leases.coordination.k8s.io in namespace "shop" (403)');
    expect(statusLines(r).find((l) => l.label === 'watchdog')).toMatchObject({
      level: 'warn',
      text: '  watchdog     unknown: its Lease could not be read (forbidden: not allowed to get leases.coordination.k8s.io in namespace "shop" (403))',
    });
  });
});
