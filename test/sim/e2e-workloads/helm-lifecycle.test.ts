/**
 * A Deployment release through its whole life with the real helm 3 and 4 over kube-sim (controllers, scheduler
 * and kubelet running at 10x): install, upgrade --install --wait, status, rollback (reusing the old ReplicaSet),
 * history, uninstall (objects, release Secrets and, through garbage collection, pods gone).
 */
import type { HelmMajor } from '../../../src/toolchain/binaries.js';
import { helm, kubectl, withSim, writeChart, type TestSim } from '../helpers.js';
import { condition, extremesDuring, failed, ok, podsOf, releaseRecords, until, webChart, type Json } from './support.js';

const readyPods = (sim: TestSim, app: string, image: string) =>
  podsOf(sim, app).filter((p) => !p.metadata.deletionTimestamp && (p.spec as Json).containers[0].image === image && condition(p, 'Ready')?.status === 'True');

describe.each([3, 4] as HelmMajor[])('helm %i: a Deployment release from install to uninstall', (major) => {
  let sim: TestSim;
  beforeEach(async () => {
    sim = await withSim({ timeScale: 10 });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('install, upgrade --install --wait, status, rollback, history, uninstall', async () => {
    const chart = writeChart(sim.dir, 'web', webChart);

    ok(await helm(sim, major, ['install', 'shop', chart]));
    expect(releaseRecords(sim, 'shop')).toEqual(['1 deployed']);
    await until(sim, 'two ready nginx:1.27 pods', () => (readyPods(sim, 'shop', 'nginx:1.27').length === 2 ? true : undefined));

    // Rolling update with the defaults (maxSurge 25% -> 1, maxUnavailable 25% -> 0 of 2 replicas): never fewer than
    // two ready pods, never more than three pods wanted by the ReplicaSets.
    const readyLive = () => podsOf(sim, 'shop').filter((p) => !p.metadata.deletionTimestamp && condition(p, 'Ready')?.status === 'True').length;
    const wanted = () => sim.store.list('replicasets.apps', { namespace: 'default', labelSelector: 'app=shop' }).items.reduce((n, r) => n + Number((r.spec as Json).replicas ?? 0), 0);
    let wantedMax = 0;
    const ready = await extremesDuring(
      sim,
      () => {
        wantedMax = Math.max(wantedMax, wanted());
        return readyLive();
      },
      async () => {
        ok(await helm(sim, major, ['upgrade', '--install', 'shop', chart, '--set', 'image=nginx:1.28', '--wait', '--timeout', '60s']));
      },
    );
    expect(ready.min).toBe(2);
    expect(wantedMax).toBe(3);
    // --wait returned only once the new ReplicaSet's pods were ready (maxUnavailable 25% of 2 rounds to 0).
    const rsAfterUpgrade = sim.store.list('replicasets.apps', { namespace: 'default', labelSelector: 'app=shop' }).items;
    const newRs = rsAfterUpgrade.find((r) => (r.spec as Json).template.spec.containers[0].image === 'nginx:1.28');
    expect(newRs?.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(newRs?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const deploy = sim.store.get('deployments.apps', 'default', 'shop');
    expect(deploy?.status).toMatchObject({ observedGeneration: deploy?.metadata.generation, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(condition(deploy, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });

    const status = ok(await helm(sim, major, ['status', 'shop']));
    expect(status).toMatch(/NAME: shop/);
    expect(status).toMatch(/STATUS: deployed/);
    expect(status).toMatch(/REVISION: 2/);

    ok(await helm(sim, major, ['rollback', 'shop', '1', '--wait', '--timeout', '60s']));
    const rolledBack = sim.store.get('deployments.apps', 'default', 'shop');
    expect((rolledBack?.spec as Json).template.spec.containers[0].image).toBe('nginx:1.27');
    expect(rolledBack?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    // A rollback to an old template reuses its ReplicaSet (now revision 3) instead of creating a third one.
    const rsAfterRollback = sim.store.list('replicasets.apps', { namespace: 'default', labelSelector: 'app=shop' }).items;
    expect(rsAfterRollback).toHaveLength(2);
    const reused = rsAfterRollback.find((r) => (r.spec as Json).template.spec.containers[0].image === 'nginx:1.27');
    expect(reused?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(reused?.status).toMatchObject({ replicas: 2, readyReplicas: 2 });

    const history = JSON.parse(ok(await helm(sim, major, ['history', 'shop', '-o', 'json']))) as Array<{ revision: number; status: string; description: string }>;
    expect(history.map((h) => `${h.revision} ${h.status}`)).toEqual(['1 superseded', '2 superseded', '3 deployed']);
    expect(history[2].description).toBe('Rollback to 1');
    expect(releaseRecords(sim, 'shop')).toEqual(['1 superseded', '2 superseded', '3 deployed']);

    const uninstall = ok(await helm(sim, major, ['uninstall', 'shop']));
    expect(uninstall).toMatch(/release "shop" uninstalled/);
    expect(sim.store.get('deployments.apps', 'default', 'shop')).toBeUndefined();
    expect(sim.store.get('services', 'default', 'shop')).toBeUndefined();
    expect(releaseRecords(sim, 'shop')).toEqual([]);
    // ReplicaSets and pods go through the garbage collector (background propagation).
    await until(sim, 'ReplicaSets and pods garbage-collected', () =>
      sim.store.list('replicasets.apps', { namespace: 'default' }).items.length === 0 && podsOf(sim, 'shop').length === 0 ? true : undefined,
    );
    const pods = await kubectl(sim, ['get', 'pods'], major);
    expect(pods.stdout).toBe('');
    expect(pods.stderr.trim()).toBe('No resources found in default namespace.');
    expect(failed(await helm(sim, major, ['status', 'shop']))).toMatch(/release: not found/);
  });
});
