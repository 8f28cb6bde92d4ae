import { loadKubeConfig } from '../../src/kube/kubeconfig.js';
import { createWatchdogLeases, kubeLeaseApi, type LeaseApi } from '../../src/kube/watchdog-lease.js';
import { KubeUnreachableError } from '../../src/ports/release-store.js';
import type { LeaseClaim, WatchdogLeases } from '../../src/ports/watchdog-lease.js';
import { withSim, type TestSim } from '../sim/helpers.js';

// The Lease adapter through client-node against kube-sim, which serves coordination.k8s.io/v1 like an API
// server: resourceVersion preconditions (409), MicroTime parsing, spec validation.

const T0 = new Date('2026-03-01T10:00:00.000Z');
const t = (s: number) => new Date(T0.getTime() + s * 1000);
const claim = (holder: string, o: Partial<LeaseClaim> = {}): LeaseClaim => ({ holder, revision: 4, deadline: t(600), durationMs: 15_000, ...o });

describe('watchdog Lease on kube-sim', () => {
  let sim: TestSim;
  let leases: WatchdogLeases;
  beforeAll(async () => {
    sim = await withSim({ workloads: false });
    const kube = loadKubeConfig({ kubeconfig: sim.kubeconfigPath, env: {} });
    leases = createWatchdogLeases(kubeLeaseApi({ kubeConfig: kube.kubeConfig, server: kube.server }));
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('acquire writes holder, duration and MicroTime renewals; status fields read back', async () => {
    const got = await leases.acquire('web', 'default', claim('alice', { target: 2 }), t(0));
    expect(got).toMatchObject({ acquired: true });
    const raw = sim.store.get('leases.coordination.k8s.io', 'default', 'autorollback-web') as unknown as { spec: Record<string, unknown>; metadata: { annotations: Record<string, string> } };
    expect(raw.spec).toMatchObject({ holderIdentity: 'alice', leaseDurationSeconds: 15, renewTime: '2026-03-01T10:00:00.000000Z', leaseTransitions: 0 });
    expect(raw.metadata.annotations).toMatchObject({ 'autorollback.helm.sh/revision': '4', 'autorollback.helm.sh/target': '2', 'autorollback.helm.sh/deadline': t(600).toISOString() });
    expect(await leases.read('web', 'default')).toEqual({ holder: 'alice', revision: 4, target: 2, deadline: t(600), durationMs: 15_000, acquiredAt: t(0), renewedAt: t(0), transitions: 0 });
  });

  it('a live lease is refused to another holder; renewals keep it live; expiry lets the other take over', async () => {
    expect(await leases.acquire('web', 'default', claim('bob'), t(10))).toMatchObject({ acquired: false, current: { holder: 'alice' } });
    expect(await leases.renew('web', 'default', 'alice', t(12))).toEqual({ renewed: true });
    expect(await leases.acquire('web', 'default', claim('bob'), t(26))).toMatchObject({ acquired: false });
    const taken = await leases.acquire('web', 'default', claim('bob'), t(27.5));
    expect(taken).toMatchObject({ acquired: true, lease: { holder: 'bob', transitions: 1 } });
    // alice was cut off: her next renewal learns it and she must stop acting.
    expect(await leases.renew('web', 'default', 'alice', t(28))).toEqual({ lost: 'bob holds the lease now' });
    // Releasing someone else's lease does nothing.
    await leases.release('web', 'default', 'alice');
    expect((await leases.read('web', 'default'))?.holder).toBe('bob');
  });

  it('a disarm request reaches the holder at its next renewal; release deletes the lease', async () => {
    const before = await leases.requestDisarm('web', 'default', 'ci-job-9', t(30));
    expect(before?.holder).toBe('bob');
    expect(await leases.renew('web', 'default', 'bob', t(31))).toEqual({ disarm: { by: 'ci-job-9', at: t(30) } });
    await leases.release('web', 'default', 'bob');
    expect(await leases.read('web', 'default')).toBeUndefined();
    expect(await leases.renew('web', 'default', 'bob', t(32))).toEqual({ lost: 'the lease was deleted' });
    expect(await leases.requestDisarm('web', 'default', 'x', t(33))).toBeUndefined();
  });

  it('a create whose answer is lost (connection cut by an API server restart after it was applied) is found to be ours: acquired', async () => {
    const kube = loadKubeConfig({ kubeconfig: sim.kubeconfigPath, env: {} });
    const api = kubeLeaseApi({ kubeConfig: kube.kubeConfig, server: kube.server });
    let cut = 0;
    const cutAfterWrite: LeaseApi = {
      ...api,
      create: async (namespace, body) => {
        await api.create(namespace, body);
        cut++;
        throw new KubeUnreachableError(`cannot reach the Kubernetes API at ${kube.server} to create leases.coordination.k8s.io in namespace "${namespace}": connection reset`);
      },
    };
    const got = await createWatchdogLeases(cutAfterWrite).acquire('cut', 'default', claim('carol'), t(0));
    expect(cut).toBe(1);
    expect(got).toMatchObject({ acquired: true, lease: { holder: 'carol', revision: 4 } });
    expect((await leases.read('cut', 'default'))?.holder).toBe('carol');
  });

  it('ten watchdogs racing for one lease: exactly one wins', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => leases.acquire('race', 'default', claim(`w${i}`), t(100))));
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const holder = (await leases.read('race', 'default'))?.holder;
    expect(winners[0]).toMatchObject({ lease: { holder } });
    for (const r of results) if (!r.acquired) expect(r.current.holder).toBe(holder);
  });

  it('kube-sim parses Lease times as MicroTime and validates the spec like the API server', async () => {
    const post = (body: object) =>
      fetch(`${sim.url}/apis/coordination.k8s.io/v1/namespaces/default/leases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const lease = (spec: object) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `l${Math.random().toString(36).slice(2, 8)}` }, spec });
    const millis = await post(lease({ holderIdentity: 'x', renewTime: '2026-03-01T10:00:00.123Z' }));
    expect(millis.status).toBe(400);
    expect(((await millis.json()) as { message: string }).message).toBe(
      'Lease in version "v1" cannot be handled as a Lease: parsing time "2026-03-01T10:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"',
    );
    expect((await post(lease({ holderIdentity: 'x', renewTime: '2026-03-01T10:00:00.123456Z' }))).status).toBe(201);
    const zero = await post(lease({ holderIdentity: 'x', leaseDurationSeconds: 0 }));
    expect(zero.status).toBe(422);
    expect(((await zero.json()) as { message: string }).message).toMatch(/spec\.leaseDurationSeconds: Invalid value: 0: must be greater than 0/);
  });
});
