import { createWatchdogLeases } from '../../src/kube/watchdog-lease.js';
import { disarmWatchdog } from '../../src/services/watchdog-disarm.js';
import { ReleaseNotFoundError } from '../../src/ports/release-store.js';
import { FakeReleaseStore } from './fake-release-store.js';
import { FakeClock, settle } from './upgrade-fakes.js';
import { MemoryLeaseApi } from './watchdog-fakes.js';

const T0 = new Date('2026-01-01T12:00:00.000Z').getTime();
const claim = { holder: 'ci@runner/7/ab', revision: 5, deadline: new Date(T0 + 600_000), durationMs: 15_000 };

function setup() {
  const clock = new FakeClock(T0);
  const leases = createWatchdogLeases(new MemoryLeaseApi());
  return { clock, leases, deps: { leases, clock }, req: { release: 'web', namespace: 'prod', by: 'ops@laptop', waitMs: 10_000, pollMs: 500 } };
}

describe('watchdog disarm service', () => {
  it('no lease: says nothing is armed and changes nothing', async () => {
    const s = setup();
    expect(await disarmWatchdog(s.deps, s.req)).toEqual({ release: 'web', namespace: 'prod', result: 'none', message: 'no watchdog is armed on web in namespace prod' });
  });

  it('no lease on a release that does not exist (a typo): release not found, exit 2, not "nothing armed"', async () => {
    const s = setup();
    const releases = new FakeReleaseStore().add('prod', 'web', ['deployed']);
    expect(await disarmWatchdog({ ...s.deps, releases }, s.req)).toMatchObject({ result: 'none' });
    const typo = disarmWatchdog({ ...s.deps, releases }, { ...s.req, release: 'wbe' });
    await expect(typo).rejects.toBeInstanceOf(ReleaseNotFoundError);
    await expect(typo).rejects.toMatchObject({ exitCode: 2, message: 'release "wbe" not found in namespace "prod" (HELM_DRIVER=secret)' });
  });

  it('a live watchdog: writes the request, waits until the holder lets go', async () => {
    const s = setup();
    await s.leases.acquire('web', 'prod', claim, s.clock.now());
    const done = disarmWatchdog(s.deps, s.req);
    await settle();
    // What the watchdog sees at its next renewal, and what it does.
    expect(await s.leases.renew('web', 'prod', claim.holder, s.clock.now())).toEqual({ disarm: { by: 'ops@laptop', at: s.clock.now() } });
    await s.leases.release('web', 'prod', claim.holder);
    s.clock.advance(500);
    expect(await done).toMatchObject({ result: 'disarmed', holder: claim.holder, revision: 5, message: expect.stringMatching(/^disarmed the watchdog of ci@runner\/7\/ab on revision 5/) });
  });

  it('a watchdog that never lets go (busy rolling back): not acknowledged after --wait', async () => {
    const s = setup();
    await s.leases.acquire('web', 'prod', claim, s.clock.now());
    const done = disarmWatchdog(s.deps, s.req);
    for (let i = 0; i < 25; i++) {
      await settle();
      s.clock.advance(500);
    }
    expect(await done).toMatchObject({ result: 'not-acknowledged' });
    expect((await s.leases.read('web', 'prod'))?.disarm?.by).toBe('ops@laptop');
  });

  it('an expired lease (its watchdog crashed) is removed', async () => {
    const s = setup();
    await s.leases.acquire('web', 'prod', claim, s.clock.now());
    s.clock.advance(16_000);
    expect(await disarmWatchdog(s.deps, s.req)).toMatchObject({ result: 'expired', message: expect.stringContaining('stopped renewing its lease at 2026-01-01T12:00:15.000Z') });
    expect(await s.leases.read('web', 'prod')).toBeUndefined();
  });
});
