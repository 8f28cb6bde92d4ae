import { decodeLease, encodeLease, leaseExpired, leaseExpiresAt, leaseName, leaseYields, type WatchdogLeaseRecord } from '../../../src/domain/watchdog/lease.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + s * 1000);
const record: WatchdogLeaseRecord = { holder: 'ci@runner/42/ab12', revision: 7, target: 5, deadline: at(600), durationMs: 15_000, acquiredAt: at(0), renewedAt: at(10), transitions: 2 };

describe('watchdog Lease codec', () => {
  it('names the Lease after the release and round-trips a record', () => {
    expect(leaseName('web')).toBe('autorollback-web');
    const fields = encodeLease('web', 'prod', record, '41');
    expect(fields.metadata).toMatchObject({ name: 'autorollback-web', namespace: 'prod', resourceVersion: '41', labels: { 'autorollback.helm.sh/release': 'web' } });
    expect(fields.spec).toEqual({ holderIdentity: 'ci@runner/42/ab12', leaseDurationSeconds: 15, acquireTime: at(0), renewTime: at(10), leaseTransitions: 2 });
    expect(decodeLease(fields)).toEqual(record);
    const withDisarm = { ...record, disarm: { by: 'ops', at: at(20) } };
    expect(decodeLease(encodeLease('web', 'prod', withDisarm))).toEqual(withDisarm);
  });

  it('reads times as the API returns them (MicroTime strings) and rounds a duration up to whole seconds', () => {
    const fields = encodeLease('web', 'prod', { ...record, durationMs: 1_500 });
    expect(fields.spec.leaseDurationSeconds).toBe(2);
    const raw = { metadata: { annotations: fields.metadata.annotations }, spec: { ...fields.spec, acquireTime: '2026-01-01T12:00:00.000000Z', renewTime: '2026-01-01T12:00:10.250000Z' } };
    expect(decodeLease(raw)).toMatchObject({ acquiredAt: at(0), renewedAt: new Date(at(10).getTime() + 250), durationMs: 2_000 });
  });

  it.each([
    ['no holder', { spec: { renewTime: at(1) }, metadata: { annotations: { 'autorollback.helm.sh/revision': '3' } } }],
    ['no revision (a lease of someone else)', { spec: { holderIdentity: 'x', renewTime: at(1) } }],
    ['no renewal time', { spec: { holderIdentity: 'x' }, metadata: { annotations: { 'autorollback.helm.sh/revision': '3' } } }],
  ])('not a watchdog lease: %s', (_, lease) => {
    expect(decodeLease(lease)).toBeUndefined();
  });

  it('a hand-written disarm annotation still disarms', () => {
    const fields = encodeLease('web', 'prod', record);
    fields.metadata.annotations['autorollback.helm.sh/disarm-requested'] = 'yes please';
    expect(decodeLease(fields)?.disarm).toEqual({ by: 'yes please', at: new Date(0) });
  });

  it('expires duration after the last renewal', () => {
    expect(leaseExpiresAt(record)).toEqual(at(25));
    expect(leaseExpired(record, at(24.999))).toBe(false);
    expect(leaseExpired(record, at(25))).toBe(true);
  });

  it.each([
    ['a live lease of the same revision, another holder', { holder: 'bob', revision: 7 }, 20, false],
    ['a live lease of a newer revision', { holder: 'bob', revision: 6 }, 20, false],
    ['the same revision once it expired (its holder stopped renewing)', { holder: 'bob', revision: 7 }, 25, true],
    ['the claimant\'s own lease', { holder: 'ci@runner/42/ab12', revision: 7 }, 20, true],
    ['a live lease of an older revision (a newer deploy ends that bake)', { holder: 'bob', revision: 8 }, 20, true],
  ])('yields to a claim: %s', (_, claim, seconds, yields) => {
    expect(leaseYields(record, claim, at(seconds))).toBe(yields);
  });
});
