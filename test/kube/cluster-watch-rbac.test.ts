/**
 * ClusterWatch against kube-sim with RBAC enforced: a refused list or watch fails start() with a
 * KubeForbiddenError (exit 5) whose one line names the refused verb, resource and namespace.
 */
import { createKubeClusterWatch } from '../../src/kube/cluster-watch.js';
import { loadKubeConfig } from '../../src/kube/kubeconfig.js';
import { KubeForbiddenError } from '../../src/ports/release-store.js';
import { restrictedKubeconfig, withRbacSim, type RbacSim } from '../e2e/rbac-helpers.js';

let sim: RbacSim;
beforeAll(async () => {
  sim = await withRbacSim({ workloads: false });
});
afterAll(async () => {
  await sim?.stop();
});

const all = [
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['list', 'watch'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['pods', 'events'], verbs: ['list', 'watch'] },
];

async function startAs(user: string, rules: typeof all) {
  const kubeconfig = await restrictedKubeconfig(sim, user, { namespace: 'shop', rules });
  const k = loadKubeConfig({ kubeconfig, env: {} });
  const watch = createKubeClusterWatch({ kubeConfig: k.kubeConfig, server: k.server, namespace: 'shop', release: 'web', driver: 'secret' });
  try {
    await watch.start();
    return undefined;
  } catch (err) {
    return err;
  } finally {
    watch.stop();
  }
}

it('starts with list and watch on every kind and the release records', async () => {
  expect(await startAs('full', [...all, { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] }])).toBeUndefined();
});

it('a refused watch of the release records (list allowed) names "watch secrets"', async () => {
  const err = await startAs('nowatch', [...all, { apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]);
  expect(err).toBeInstanceOf(KubeForbiddenError);
  expect((err as Error).message).toMatch(/^forbidden: not allowed to watch secrets in namespace "shop" \(403\)/);
});

it('a refused list names the kind and carries the API server\'s words', async () => {
  const err = await startAs('nosts', [
    { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'daemonsets'], verbs: ['list', 'watch'] },
    ...all.slice(1),
    { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] },
  ]);
  expect(err).toBeInstanceOf(KubeForbiddenError);
  expect((err as Error).message).toBe(
    'forbidden: not allowed to list statefulsets in namespace "shop" (403) - statefulsets.apps is forbidden: User "nosts" cannot list resource "statefulsets" in API group "apps" in the namespace "shop"',
  );
});
