import type { KubeObject } from '../../../src/sim/store/types.js';
import { type Harness, deployment, startHarness } from './harness.js';

type Json = Record<string, any>;
const spec = (o: KubeObject): Json => o.spec as Json;
const status = (o: KubeObject): Json => (o.status ?? {}) as Json;
const cond = (o: KubeObject, type: string): Json | undefined => (status(o).conditions ?? []).find((c: Json) => c.type === type);

describe('Deployment controller (with the real memory store, test plays the kubelet)', () => {
  let h: Harness;
  beforeEach(() => {
    h = startHarness();
  });
  afterEach(() => {
    h.stop();
    expect(h.errors).toEqual([]);
  });

  const replicaSets = () => h.store.list('replicasets.apps', { namespace: 'default' }).items;
  const rsOf = (template: string) => replicaSets().find((rs) => spec(rs).template.spec.containers[0].image === template)!;
  const setImage = async (name: string, image: string) => {
    const d = h.get('deployments.apps', name);
    const s = spec(d);
    h.store.update('deployments.apps', { ...d, spec: { ...s, template: { ...s.template, spec: { containers: [{ name: 'c', image }] } } } });
    await h.settle();
  };
  /** Plays the kubelet until nothing is left pending: every pod not yet running becomes Running and Ready. */
  const readyAll = async () => {
    for (let i = 0; i < 20; i++) {
      const pending = h.pods().filter((p) => status(p).phase !== 'Running');
      if (pending.length === 0) return;
      await h.runPods(pending);
    }
  };

  it('creates a ReplicaSet <name>-<hash> owned by the Deployment, and its pods', async () => {
    const reasonsSeen: string[] = [];
    h.store.subscribe((e) => {
      const c = e.resource === 'deployments.apps' ? cond(e.object, 'Progressing') : undefined;
      if (c && reasonsSeen[reasonsSeen.length - 1] !== c.reason) reasonsSeen.push(c.reason);
    });
    const d = h.store.create('deployments.apps', deployment('web', 'nginx:1'));
    await h.settle();
    expect(reasonsSeen).toEqual(['NewReplicaSetCreated', 'ReplicaSetUpdated']);
    const [rs] = replicaSets();
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(spec(rs).selector).toEqual({ matchLabels: { app: 'web', 'pod-template-hash': hash } });
    expect(spec(rs).template.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(spec(rs).replicas).toBe(3);
    expect(rs.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(rs.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    const pods = h.pods();
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true });
    }
    const dep = h.get('deployments.apps', 'web');
    expect(dep.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    // NewReplicaSetCreated came first; the pods showing up in RS status is progress (ReplicaSetUpdated).
    expect(cond(dep, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "web-${hash}" is progressing.` });
    expect(cond(dep, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(h.events('ScalingReplicaSet').map((e) => e.message)).toEqual([`Scaled up replica set web-${hash} from 0 to 3`]);
    expect(h.events('SuccessfulCreate')).toHaveLength(3);

    await readyAll();
    const done = h.get('deployments.apps', 'web');
    expect(status(done)).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(status(done).unavailableReplicas).toBeUndefined();
    expect(cond(done, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(cond(done, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
    expect(status(h.get('replicasets.apps', rs.metadata.name))).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it('rolls out a new template step by step within maxSurge and maxUnavailable', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { replicas: 4 }));
    await h.settle();
    await readyAll();
    await setImage('web', 'nginx:2');

    // replicas 4 at 25%/25%: surge 1 (rounded up), unavailable 1 (rounded down). The new set starts at 1
    // (4 + 1 surge), one old pod goes (4 - 1 unavailable), which makes room for a second new pod; then it waits.
    const oldRS = rsOf('nginx:1');
    const newRS = rsOf('nginx:2');
    expect(spec(newRS).replicas).toBe(2);
    expect(spec(oldRS).replicas).toBe(3);
    expect(h.events('ScalingReplicaSet').map((e) => e.message).slice(1)).toEqual([
      `Scaled up replica set ${newRS.metadata.name} from 0 to 1`,
      `Scaled down replica set ${oldRS.metadata.name} from 4 to 3`,
      `Scaled up replica set ${newRS.metadata.name} from 1 to 2`,
    ]);
    await h.advance(1000);
    expect(spec(rsOf('nginx:2')).replicas).toBe(2);
    expect(newRS.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(h.get('deployments.apps', 'web').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');

    // Drive it: each step the kubelet readies whatever exists; the invariants hold throughout.
    for (let i = 0; i < 10; i++) {
      const total = spec(rsOf('nginx:1')).replicas + spec(rsOf('nginx:2')).replicas;
      expect(total).toBeLessThanOrEqual(5);
      const available = h.pods().filter((p) => status(p).phase === 'Running').length;
      expect(available).toBeGreaterThanOrEqual(3);
      if (spec(rsOf('nginx:1')).replicas === 0 && status(rsOf('nginx:2')).availableReplicas === 4) break;
      const pending = h.pods().filter((p) => status(p).phase !== 'Running');
      await h.runPods(pending);
    }
    expect(spec(rsOf('nginx:1')).replicas).toBe(0);
    expect(h.pods()).toHaveLength(4);
    const d = h.get('deployments.apps', 'web');
    expect(status(d)).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4, observedGeneration: 2 });
    expect(cond(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    const messages = h.events('ScalingReplicaSet').map((e) => e.message as string);
    expect(messages).toContain(`Scaled down replica set ${oldRS.metadata.name} from 4 to 3`);
    expect(messages).toContain(`Scaled up replica set ${newRS.metadata.name} from 0 to 1`);
  });

  it('with maxUnavailable 0 keeps every old pod until a new one is available', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await h.settle();
    await readyAll();
    await setImage('web', 'nginx:2');
    expect(spec(rsOf('nginx:2')).replicas).toBe(1);
    expect(spec(rsOf('nginx:1')).replicas).toBe(2);
    // The new pod never becomes ready: nothing old may go.
    await h.runPods(h.pods().filter((p) => status(p).phase !== 'Running'), { ready: false });
    expect(spec(rsOf('nginx:1')).replicas).toBe(2);
    expect(spec(rsOf('nginx:2')).replicas).toBe(1);
  });

  it('rolling back to an earlier template reuses its ReplicaSet and bumps its revision', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1'));
    await h.settle();
    await readyAll();
    const first = rsOf('nginx:1');
    await setImage('web', 'nginx:2');
    await readyAll();
    await setImage('web', 'nginx:1');
    await readyAll();
    expect(replicaSets()).toHaveLength(2);
    const reused = h.get('replicasets.apps', first.metadata.name);
    expect(reused.metadata.uid).toBe(first.metadata.uid);
    expect(reused.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(spec(reused).replicas).toBe(3);
    expect(spec(rsOf('nginx:2')).replicas).toBe(0);
    expect(h.get('deployments.apps', 'web').metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('reports ProgressDeadlineExceeded when pods never become ready, timed by the clock', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { progressDeadlineSeconds: 30 }));
    await h.settle();
    await h.runPods(h.pods(), { ready: false });
    await h.advance(29_000);
    expect(cond(h.get('deployments.apps', 'web'), 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    await h.advance(2_000);
    const d = h.get('deployments.apps', 'web');
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsOf('nginx:1').metadata.name}" has timed out progressing.` });
    expect(cond(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(status(d).unavailableReplicas).toBe(3);
  });

  it('times the deadline from the exact instant at a high time scale (timestamps have whole seconds)', async () => {
    h.stop();
    h = startHarness({ start: new Date('2026-01-01T00:00:00.900Z'), timeScale: 100 });
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { progressDeadlineSeconds: 30 }));
    await h.settle();
    await h.runPods(h.pods(), { ready: false });
    h.clock.advance(250); // 25 simulated seconds (the truncated timestamp would already say 115)
    await h.settle();
    expect(cond(h.get('deployments.apps', 'web'), 'Progressing')?.reason).toBe('ReplicaSetUpdated');
    h.clock.advance(60);
    await h.settle();
    expect(cond(h.get('deployments.apps', 'web'), 'Progressing')?.reason).toBe('ProgressDeadlineExceeded');
  });

  it('progress pushes the deadline out', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { progressDeadlineSeconds: 30 }));
    await h.settle();
    await h.advance(20_000);
    await h.runPods(h.pods().slice(0, 1)); // one pod ready at t=20s is progress
    await h.advance(20_000); // t=40s: past the first deadline, not past the renewed one
    expect(cond(h.get('deployments.apps', 'web'), 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    await h.advance(15_000);
    expect(cond(h.get('deployments.apps', 'web'), 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('rolling back after ProgressDeadlineExceeded brings the old set back and completes', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { progressDeadlineSeconds: 30, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await h.settle();
    await readyAll();
    await setImage('web', 'broken:1');
    await h.runPods(h.pods().filter((p) => status(p).phase !== 'Running'), { ready: false });
    await h.advance(31_000);
    expect(cond(h.get('deployments.apps', 'web'), 'Progressing')?.reason).toBe('ProgressDeadlineExceeded');
    await setImage('web', 'nginx:1');
    expect(spec(rsOf('broken:1')).replicas).toBe(0);
    expect(spec(rsOf('nginx:1')).replicas).toBe(3);
    const d = h.get('deployments.apps', 'web');
    expect(cond(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(status(d)).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('counts pods available only after minReadySeconds, re-checking on a timer', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { replicas: 2, minReadySeconds: 10 }));
    await h.settle();
    await readyAll();
    let d = h.get('deployments.apps', 'web');
    expect(status(d)).toMatchObject({ readyReplicas: 2 });
    expect(status(d).availableReplicas).toBeUndefined();
    expect(spec(rsOf('nginx:1')).minReadySeconds).toBe(10);
    await h.advance(9_000);
    expect(status(h.get('deployments.apps', 'web')).availableReplicas).toBeUndefined();
    await h.advance(2_000);
    d = h.get('deployments.apps', 'web');
    expect(status(d)).toMatchObject({ availableReplicas: 2 });
    expect(cond(d, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('Recreate removes every old pod before creating the new ReplicaSet', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { strategy: { type: 'Recreate' } }));
    await h.settle();
    await readyAll();
    const log: string[] = [];
    const unsubscribe = h.store.subscribe((e) => {
      if (e.resource === 'pods' && e.type === 'DELETED') log.push('pod-deleted');
      if (e.resource === 'replicasets.apps' && e.type === 'ADDED') log.push('rs-added');
    });
    await setImage('web', 'nginx:2');
    unsubscribe();
    expect(log).toEqual(['pod-deleted', 'pod-deleted', 'pod-deleted', 'rs-added']);
    expect(spec(rsOf('nginx:2')).replicas).toBe(3);
    await readyAll();
    expect(cond(h.get('deployments.apps', 'web'), 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('scales, pauses and cleans up history beyond revisionHistoryLimit', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { revisionHistoryLimit: 1 }));
    await h.settle();
    await readyAll();
    let d = h.get('deployments.apps', 'web');
    h.store.update('deployments.apps', { ...d, spec: { ...spec(d), replicas: 5 } });
    await h.settle();
    expect(spec(rsOf('nginx:1')).replicas).toBe(5);
    expect(rsOf('nginx:1').metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('5');
    await readyAll();

    d = h.get('deployments.apps', 'web');
    h.store.update('deployments.apps', { ...d, spec: { ...spec(d), paused: true } });
    await h.settle();
    expect(cond(h.get('deployments.apps', 'web'), 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused' });
    await setImage('web', 'nginx:2');
    expect(replicaSets()).toHaveLength(1);
    d = h.get('deployments.apps', 'web');
    h.store.update('deployments.apps', { ...d, spec: { ...spec(d), paused: false } });
    await h.settle();
    expect(replicaSets()).toHaveLength(2);
    await readyAll();
    await setImage('web', 'nginx:3');
    await readyAll();
    // nginx:1 (revision 1) went beyond the history limit of one old set.
    expect(replicaSets().map((rs) => spec(rs).template.spec.containers[0].image).sort()).toEqual(['nginx:2', 'nginx:3']);
  });

  it('adopts orphans and releases relabelled pods, like ControllerRefManager', async () => {
    h.store.create('deployments.apps', deployment('web', 'nginx:1', { replicas: 2 }));
    await h.settle();
    await readyAll();
    const rs = rsOf('nginx:1');
    // Orphan the ReplicaSet (as --cascade=orphan would): the Deployment takes it back rather than making another.
    h.store.update('replicasets.apps', { ...rs, metadata: { ...rs.metadata, ownerReferences: [] } });
    await h.settle();
    expect(replicaSets()).toHaveLength(1);
    expect(rsOf('nginx:1').metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });

    // A pod relabelled out of the selector is released and replaced.
    const [victim] = h.pods();
    h.store.update('pods', { ...victim, metadata: { ...victim.metadata, labels: { app: 'debug' } } });
    await h.settle();
    expect(h.store.get('pods', 'default', victim.metadata.name)?.metadata.ownerReferences).toBeUndefined();
    expect(h.pods('app=web')).toHaveLength(2);
  });
});
