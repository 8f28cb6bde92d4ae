import { admitPodQuota, formatQuantity } from '../../../src/sim/store/quota.js';
import type { KubeObject } from '../../../src/sim/store/types.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, any>;

const quota = (hard: Record<string, string>, name = 'compute'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name, namespace: 'default' },
  spec: { hard },
});
const podWith = (name: string, cpu?: string, extra: Json = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'app', image: 'nginx', ...(cpu ? { resources: { requests: { cpu }, limits: { cpu } } } : {}) }] },
  ...extra,
});

describe('ResourceQuota admission (pure)', () => {
  it.each([
    ['fits', { 'requests.cpu': '2' }, ['1'], '500m', undefined],
    ['exceeds requests.cpu', { 'requests.cpu': '2' }, ['1', '1'], '500m', 'pods "new" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2'],
    ['exceeds the pod count', { pods: '2' }, ['1', '1'], '1', 'pods "new" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2'],
    ['ended pods do not count', { pods: '1' }, ['ended'], '1', undefined],
    ['two resources at once, sorted', { 'limits.cpu': '1', 'requests.cpu': '1' }, ['1'], '250m', 'pods "new" is forbidden: exceeded quota: compute, requested: limits.cpu=250m,requests.cpu=250m, used: limits.cpu=1,requests.cpu=1, limited: limits.cpu=1,requests.cpu=1'],
    ['a constrained resource not declared', { 'limits.memory': '1Gi' }, [], '1', 'pods "new" is forbidden: failed quota: compute: must specify limits.memory for: app'],
  ] as const)('%s', (_name, hard, existing, cpu, message) => {
    const pods = existing.map((c, i) =>
      c === 'ended' ? podWith(`p${i}`, '1', { status: { phase: 'Succeeded' } }) : podWith(`p${i}`, c),
    );
    const admit = () => admitPodQuota(podWith('new', cpu), [quota(hard)], pods);
    if (message === undefined) expect(admit).not.toThrow();
    else expect(admit).toThrow(expect.objectContaining({ code: 403, reason: 'Forbidden', message }));
  });

  it('formats quantities the way the API server prints them', () => {
    expect([formatQuantity(0.5, 'requests.cpu'), formatQuantity(2, 'cpu'), formatQuantity(512 * 2 ** 20, 'requests.memory'), formatQuantity(2 ** 30, 'memory')]).toEqual(['500m', '2', '512Mi', '1Gi']);
  });
});

describe('quota on a live store: refused pods, FailedCreate events, ReplicaFailure on the ReplicaSet and the Deployment', () => {
  let h: Harness;
  beforeEach(() => {
    h = startHarness();
  });
  afterEach(() => {
    h.stop();
    expect(h.errors).toEqual([]);
  });

  it('a direct create gets 403 Forbidden with the plugin wording', () => {
    h.store.create('resourcequotas', quota({ pods: '1' }));
    h.store.create('pods', podWith('a', '1'));
    expect(() => h.store.create('pods', podWith('b', '1'))).toThrow(expect.objectContaining({ code: 403, message: 'pods "b" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=1, limited: pods=1' }));
  });

  it('the ReplicaSet controller records FailedCreate, sets ReplicaFailure, retries with back-off, and clears it once the quota allows', async () => {
    h.store.create('resourcequotas', quota({ 'requests.cpu': '1' }));
    h.store.create('deployments.apps', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '600m' } } }] } },
      },
    });
    await h.settle();
    await h.advance(2_000);
    expect(h.pods()).toHaveLength(1);
    const refusals = h.events('FailedCreate');
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    expect(refusals[0]).toMatchObject({
      type: 'Warning',
      involvedObject: { kind: 'ReplicaSet' },
      source: { component: 'replicaset-controller' },
      message: expect.stringMatching(/^Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: compute, requested: requests\.cpu=600m, used: requests\.cpu=600m, limited: requests\.cpu=1$/),
    });
    const rs = h.store.list('replicasets.apps', { namespace: 'default' }).items[0] as KubeObject;
    const rsFailure = ((rs.status as Json).conditions as Json[]).find((c) => c.type === 'ReplicaFailure');
    expect(rsFailure).toMatchObject({ status: 'True', reason: 'FailedCreate', message: expect.stringMatching(/^pods "web-.*" is forbidden: exceeded quota: compute/) });
    const d = h.get('deployments.apps', 'web');
    expect(((d.status as Json).conditions as Json[]).find((c) => c.type === 'ReplicaFailure')).toMatchObject({ status: 'True', reason: 'FailedCreate' });

    // Room again: the next retry creates the pod and both conditions go.
    const q = h.get('resourcequotas', 'compute');
    h.store.update('resourcequotas', { ...q, spec: { hard: { 'requests.cpu': '2' } } });
    await h.advance(30_000);
    expect(h.pods()).toHaveLength(2);
    const after = h.store.list('replicasets.apps', { namespace: 'default' }).items[0] as KubeObject;
    expect(((after.status as Json).conditions ?? []) as Json[]).toEqual([]);
    expect(((h.get('deployments.apps', 'web').status as Json).conditions as Json[]).map((c) => c.type)).not.toContain('ReplicaFailure');
  });

  it('StatefulSet and Job controllers record FailedCreate in their own wording', async () => {
    h.store.create('resourcequotas', quota({ pods: '0' }));
    h.store.create('statefulsets.apps', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres' }] } } },
    });
    h.store.create('jobs.batch', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox' }] } } } });
    await h.settle();
    await h.advance(1_000);
    const messages = h.events('FailedCreate').map((e) => `${(e.involvedObject as Json).kind}: ${e.message}`);
    expect(messages).toContain('StatefulSet: create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=0, limited: pods=0');
    expect(messages.some((m) => /^Job: Error creating: pods "migrate-[a-z0-9]{5}" is forbidden: exceeded quota: compute/.test(m))).toBe(true);
  });
});
