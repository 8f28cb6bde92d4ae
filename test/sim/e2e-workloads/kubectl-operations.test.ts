/**
 * Day-2 operations with the real kubectl (1.35) on workloads the simulator runs (10x): scale through the /scale
 * subresource, rollout restart / history / undo, wait --for=condition, and delete --cascade=foreground, which only
 * returns once the garbage collector removed the dependents and the foregroundDeletion finalizer.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectl, withSim, type TestSim } from '../helpers.js';
import { condition, ok, podsOf, until, type Json } from './support.js';

let sim: TestSim;
beforeAll(async () => {
  sim = await withSim({ timeScale: 10 });
});
afterAll(async () => {
  await sim.stop();
});

const deployment = (name: string, image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: app
        image: ${image}
`;

async function apply(name: string, yaml: string): Promise<void> {
  const file = join(sim.dir, `${name}-${Date.now()}.yaml`);
  writeFileSync(file, yaml);
  ok(await kubectl(sim, ['apply', '-f', file]));
}

const liveReady = (app: string) => podsOf(sim, app).filter((p) => !p.metadata.deletionTimestamp && condition(p, 'Ready')?.status === 'True');
const replicaSets = (app: string) => sim.store.list('replicasets.apps', { namespace: 'default', labelSelector: `app=${app}` }).items;

it('kubectl wait --for=condition=Available and scale through the /scale subresource', async () => {
  await apply('ops', deployment('ops', 'nginx:1.27', 1));
  const waited = ok(await kubectl(sim, ['wait', '--for=condition=Available', 'deployment/ops', '--timeout=30s']));
  expect(waited.trim()).toBe('deployment.apps/ops condition met');

  expect(ok(await kubectl(sim, ['scale', 'deployment/ops', '--replicas=3'])).trim()).toBe('deployment.apps/ops scaled');
  await until(sim, 'three ready pods', () => (liveReady('ops').length === 3 ? true : undefined));
  // The ReplicaSet and then the Deployment controller report them ready a moment later, as on a real cluster.
  await until(sim, 'Deployment status with three ready replicas', () =>
    (sim.store.get('deployments.apps', 'default', 'ops')?.status as Json | undefined)?.readyReplicas === 3 ? true : undefined,
  );
  const scale = JSON.parse(ok(await kubectl(sim, ['get', '--raw', '/apis/apps/v1/namespaces/default/deployments/ops/scale']))) as Json;
  expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { replicas: 3, selector: 'app=ops' } });

  ok(await kubectl(sim, ['scale', 'deployment/ops', '--replicas=1']));
  await until(sim, 'scaled down to one pod', () => (podsOf(sim, 'ops').length === 1 ? true : undefined));
  const pods = JSON.parse(ok(await kubectl(sim, ['wait', '--for=condition=Ready', 'pod', '-l', 'app=ops', '--timeout=30s', '-o', 'json']))) as Json;
  expect(pods.status?.phase ?? pods.items?.[0]?.status?.phase).toBe('Running');
});

it('rollout restart makes a new ReplicaSet; rollout history lists revisions; rollout undo returns to the previous template', async () => {
  await apply('roll', deployment('roll', 'nginx:1.27', 2));
  ok(await kubectl(sim, ['rollout', 'status', 'deployment/roll', '--timeout=30s']));

  expect(ok(await kubectl(sim, ['rollout', 'restart', 'deployment/roll'])).trim()).toBe('deployment.apps/roll restarted');
  const restartedAt = ((sim.store.get('deployments.apps', 'default', 'roll')?.spec as Json).template.metadata.annotations ?? {})['kubectl.kubernetes.io/restartedAt'];
  expect(restartedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  ok(await kubectl(sim, ['rollout', 'status', 'deployment/roll', '--timeout=30s']));
  expect(replicaSets('roll')).toHaveLength(2);

  await apply('roll', deployment('roll', 'nginx:1.28', 2));
  ok(await kubectl(sim, ['rollout', 'status', 'deployment/roll', '--timeout=30s']));
  const history = ok(await kubectl(sim, ['rollout', 'history', 'deployment/roll']));
  expect(history).toMatch(/^deployment\.apps\/roll\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n3\s+<none>\n/);
  const rev2 = ok(await kubectl(sim, ['rollout', 'history', 'deployment/roll', '--revision=2']));
  expect(rev2).toMatch(/kubectl\.kubernetes\.io\/restartedAt/);
  expect(rev2).toMatch(/Image:\s+nginx:1\.27/);

  expect(ok(await kubectl(sim, ['rollout', 'undo', 'deployment/roll'])).trim()).toBe('deployment.apps/roll rolled back');
  ok(await kubectl(sim, ['rollout', 'status', 'deployment/roll', '--timeout=30s']));
  const d = sim.store.get('deployments.apps', 'default', 'roll');
  expect((d?.spec as Json).template.spec.containers[0].image).toBe('nginx:1.27');
  expect(d?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('4');
  // The undo reused revision 2's ReplicaSet rather than creating a fourth.
  expect(replicaSets('roll')).toHaveLength(3);
  expect(liveReady('roll').every((p) => (p.spec as Json).containers[0].image === 'nginx:1.27')).toBe(true);
});

it('delete --cascade=foreground returns once the ReplicaSets and pods are gone', async () => {
  await apply('fg', deployment('fg', 'nginx:1.27', 2));
  ok(await kubectl(sim, ['rollout', 'status', 'deployment/fg', '--timeout=30s']));
  const seenFinalizer: string[] = [];
  const unsubscribe = sim.store.subscribe((e) => {
    if (e.resource.startsWith('deployments') && e.object.metadata.name === 'fg' && e.object.metadata.deletionTimestamp) seenFinalizer.push(...(e.object.metadata.finalizers ?? []));
  });
  try {
    const out = ok(await kubectl(sim, ['delete', 'deployment', 'fg', '--cascade=foreground', '--timeout=30s']));
    expect(out.trim()).toBe('deployment.apps "fg" deleted from default namespace');
  } finally {
    unsubscribe();
  }
  expect(seenFinalizer).toContain('foregroundDeletion');
  // kubectl waited for the object itself; with foreground propagation that means its dependents went first.
  expect(sim.store.get('deployments.apps', 'default', 'fg')).toBeUndefined();
  expect(replicaSets('fg')).toEqual([]);
  expect(podsOf(sim, 'fg').filter((p) => !p.metadata.deletionTimestamp)).toEqual([]);
});
