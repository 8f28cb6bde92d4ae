import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import { StatusError } from '../../../src/sim/store/errors.js';
import type { KubeObject, StoreEvent } from '../../../src/sim/store/types.js';

const cm = (name: string, data: Record<string, string> = {}, namespace = 'default'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

function errorOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('memory store basics', () => {
  it('pre-creates the system namespaces as Active Namespace objects', () => {
    const store = createMemoryStore();
    const names = store.list('namespaces').items.map((n) => n.metadata.name);
    expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    expect(store.get('namespaces', undefined, 'default')).toMatchObject({ kind: 'Namespace', status: { phase: 'Active' } });
  });

  it('creates with uid, creationTimestamp, generation 1 and one global increasing resourceVersion', () => {
    const store = createMemoryStore();
    const before = store.currentResourceVersion();
    const a = store.create('configmaps', cm('a'));
    const b = store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'b', namespace: 'default' } });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.metadata.generation).toBe(1);
    expect(Number(a.metadata.resourceVersion)).toBe(before + 1);
    expect(Number(b.metadata.resourceVersion)).toBe(before + 2);
    expect(store.currentResourceVersion()).toBe(before + 2);
    expect(store.list('configmaps', { namespace: 'default' }).resourceVersion).toBe(String(before + 2));
  });

  it('returns copies: mutating a result never changes the store', () => {
    const store = createMemoryStore();
    const a = store.create('configmaps', cm('a', { k: 'v' }));
    (a.data as Record<string, string>).k = 'changed';
    expect(store.get('configmaps', 'default', 'a')?.data).toEqual({ k: 'v' });
  });

  it('answers 409 AlreadyExists for a second create, 404 for a missing namespace, 422 without a name', () => {
    const store = createMemoryStore();
    store.create('configmaps', cm('a'));
    expect(errorOf(() => store.create('configmaps', cm('a')))).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'configmaps "a" already exists' });
    expect(errorOf(() => store.create('configmaps', cm('a', {}, 'nope')))).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "nope" not found' });
    expect(errorOf(() => store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '' } }))).toMatchObject({ code: 422 });
    expect(errorOf(() => store.create('widgets.example.com', cm('x')))).toMatchObject({ code: 404 });
  });

  it('honours generateName', () => {
    const store = createMemoryStore();
    const o = store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '', generateName: 'web-', namespace: 'default' } });
    expect(o.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
  });

  it('uses 409 Conflict for a stale resourceVersion and updates unconditionally without one', () => {
    const store = createMemoryStore();
    const a = store.create('configmaps', cm('a', { v: '1' }));
    const a2 = store.update('configmaps', { ...a, data: { v: '2' } });
    expect(errorOf(() => store.update('configmaps', { ...a, data: { v: '3' } }))).toMatchObject({ code: 409, reason: 'Conflict' });
    const { resourceVersion: _rv, ...meta } = a.metadata;
    const a3 = store.update('configmaps', { ...a, metadata: meta, data: { v: '4' } });
    expect(Number(a3.metadata.resourceVersion)).toBeGreaterThan(Number(a2.metadata.resourceVersion));
    expect(store.get('configmaps', 'default', 'a')?.data).toEqual({ v: '4' });
    expect(errorOf(() => store.update('configmaps', cm('missing')))).toMatchObject({ code: 404 });
  });

  it('bumps generation only when the spec changes, and a no-op update commits nothing', () => {
    const store = createMemoryStore();
    const d = store.create('deployments.apps', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    expect(d.spec).toMatchObject({ replicas: 1, strategy: { type: 'RollingUpdate' } });
    const labelled = store.update('deployments.apps', { ...d, metadata: { ...d.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata.generation).toBe(1);
    const withStatus = store.update('deployments.apps', { ...labelled, status: { replicas: 1 } }, { subresource: 'status' });
    expect(withStatus.metadata.generation).toBe(1);
    expect(withStatus.metadata.labels).toEqual({ x: 'y' });
    const scaled = store.update('deployments.apps', { ...withStatus, spec: { ...(withStatus.spec as object), replicas: 3 } });
    expect(scaled.metadata.generation).toBe(2);
    expect(scaled.status).toEqual({ replicas: 1 });
    const rv = store.currentResourceVersion();
    const same = store.update('deployments.apps', scaled);
    expect(same.metadata.resourceVersion).toBe(scaled.metadata.resourceVersion);
    expect(store.currentResourceVersion()).toBe(rv);
  });

  it('status updates keep the stored spec and metadata', () => {
    const store = createMemoryStore();
    const p = store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const s = store.update('pods', { ...p, metadata: { ...p.metadata, labels: { hacked: 'yes' } }, spec: { nodeName: 'x', containers: [] }, status: { phase: 'Running' } }, { subresource: 'status' });
    expect(s.status).toEqual({ phase: 'Running' });
    expect(s.spec).toEqual(p.spec);
    expect(s.metadata.labels).toBeUndefined();
  });

  it('lists with label and field selectors across or within namespaces', () => {
    const store = createMemoryStore();
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
    store.create('configmaps', { ...cm('a'), metadata: { name: 'a', namespace: 'default', labels: { owner: 'helm', name: 'r' } } });
    store.create('configmaps', { ...cm('b'), metadata: { name: 'b', namespace: 'other', labels: { owner: 'helm', name: 's' } } });
    store.create('configmaps', cm('c'));
    const names = (o: Parameters<typeof store.list>[1]) => store.list('configmaps', o).items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`);
    expect(names({ labelSelector: 'owner=helm' })).toEqual(['default/a', 'other/b']);
    expect(names({ namespace: 'default', labelSelector: 'owner=helm' })).toEqual(['default/a']);
    expect(names({ labelSelector: 'name in (s,t)' })).toEqual(['other/b']);
    expect(names({ labelSelector: '!owner', fieldSelector: 'metadata.name!=kube-root-ca.crt' })).toEqual(['default/c']);
    expect(names({ fieldSelector: 'metadata.name=c' })).toEqual(['default/c']);
    expect(names({ fieldSelector: 'metadata.namespace=other,metadata.name!=kube-root-ca.crt' })).toEqual(['other/b']);
  });

  it('turns Secret stringData into base64 data', () => {
    const store = createMemoryStore();
    const s = store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, stringData: { pw: 'hunter2' }, data: { a: 'YQ==' } });
    expect(s.data).toEqual({ a: 'YQ==', pw: Buffer.from('hunter2').toString('base64') });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
  });

  it('allocates Service clusterIPs in 10.96.0.0/12, keeps them across updates and allocates nodePorts', () => {
    const store = createMemoryStore();
    expect(store.get('services', 'default', 'kubernetes')?.spec).toMatchObject({ clusterIP: '10.96.0.1' });
    const svc = store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    const spec = svc.spec as { clusterIP: string; clusterIPs: string[]; ports: Array<{ nodePort: number }> };
    expect(spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    expect(spec.clusterIPs).toEqual([spec.clusterIP]);
    expect(spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
    const updated = store.update('services', { ...svc, metadata: { ...svc.metadata, resourceVersion: undefined }, spec: { type: 'NodePort', ports: [{ port: 80 }], selector: { a: 'b' } } });
    expect(updated.spec).toMatchObject({ clusterIP: spec.clusterIP, ports: [{ port: 80, nodePort: spec.ports[0].nodePort }] });
    const other = store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 't', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
    expect((other.spec as { clusterIP: string }).clusterIP).not.toBe(spec.clusterIP);
    const headless = store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'h', namespace: 'default' }, spec: { clusterIP: 'None' } });
    expect((headless.spec as { clusterIP: string }).clusterIP).toBe('None');
    expect(errorOf(() => store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dup', namespace: 'default' }, spec: { clusterIP: spec.clusterIP } }))).toMatchObject({ code: 422 });
  });
});

describe('change feed and history', () => {
  it('notifies listeners in commit order, also for writes made inside a listener', () => {
    const store = createMemoryStore();
    const seen: string[] = [];
    store.subscribe((e) => {
      if (e.object.metadata.name === 'a' && e.type === 'ADDED') store.create('configmaps', cm('b'));
    });
    store.subscribe((e) => seen.push(`${e.type} ${e.object.metadata.name} ${e.resourceVersion}`));
    store.create('configmaps', cm('a'));
    const rv = store.currentResourceVersion();
    expect(seen).toEqual([`ADDED a ${rv - 1}`, `ADDED b ${rv}`]);
  });

  it('gives a listener only the resources it subscribed to, in commit order with the others', () => {
    const store = createMemoryStore();
    const mine: string[] = [];
    const all: string[] = [];
    store.subscribe((e) => mine.push(`${e.resource} ${e.object.metadata.name}`), { resources: ['secrets'] });
    store.subscribe((e) => all.push(`${e.resource} ${e.object.metadata.name}`));
    store.create('configmaps', cm('a'));
    store.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' } });
    expect(mine).toEqual(['secrets s']);
    expect(all).toEqual(['configmaps a', 'secrets s']);
  });

  it('lists only what an in-process filter keeps, before copying, together with the selectors', () => {
    const store = createMemoryStore();
    for (const [name, tier] of [['a', 'web'], ['b', 'web'], ['c', 'db']]) store.create('configmaps', { ...cm(name), metadata: { name, namespace: 'default', labels: { tier } } });
    const looked: string[] = [];
    const kept = store.list('configmaps', {
      namespace: 'default',
      labelSelector: 'tier=web',
      filter: (o) => {
        looked.push(o.metadata.name);
        return o.metadata.name !== 'a';
      },
    });
    expect(kept.items.map((o) => o.metadata.name)).toEqual(['b']);
    expect(looked).toEqual(expect.arrayContaining(['a', 'b', 'c']));
  });

  it('replays every change after a resourceVersion and answers 410 Expired once history is gone', () => {
    const store = createMemoryStore({ historyLimit: 3 });
    const start = store.currentResourceVersion();
    const a = store.create('configmaps', cm('a'));
    store.update('configmaps', { ...a, data: { x: '1' } });
    store.delete('configmaps', 'default', 'a');
    const events = store.eventsSince(start);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[1].previous?.data).toEqual({});
    expect(events[2].object.metadata.resourceVersion).toBe(String(start + 3));
    store.create('configmaps', cm('b'));
    expect(errorOf(() => store.eventsSince(start))).toMatchObject({ code: 410, reason: 'Expired' });
    expect(store.eventsSince(start + 1).map((e) => e.type)).toEqual(['MODIFIED', 'DELETED', 'ADDED']);
    store.compact();
    expect(errorOf(() => store.eventsSince(start + 3))).toMatchObject({ code: 410 });
    expect(store.eventsSince(store.currentResourceVersion())).toEqual([]);
  });
});

describe('deletion, finalizers and garbage collection', () => {
  function owned(store: ReturnType<typeof createMemoryStore>) {
    const owner = store.create('deployments.apps', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const rs = store.create('replicasets.apps', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-1', namespace: 'default', ownerReferences: [ref] },
      spec: { selector: { matchLabels: { app: 'web' } }, template },
    });
    const rsRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: rs.metadata.uid!, controller: true };
    store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1-a', namespace: 'default', ownerReferences: [rsRef] }, spec: template.spec });
    return owner;
  }

  it('Background deletes the owner first, then its dependents, transitively', () => {
    const store = createMemoryStore();
    owned(store);
    const log: string[] = [];
    store.subscribe((e: StoreEvent) => log.push(`${e.type} ${e.object.metadata.name}`));
    store.delete('deployments.apps', 'default', 'web', { propagationPolicy: 'Background' });
    expect(log).toEqual(['DELETED web', 'DELETED web-1', 'DELETED web-1-a']);
    expect(store.list('pods').items).toEqual([]);
  });

  it('Orphan strips ownerReferences from dependents and keeps them', () => {
    const store = createMemoryStore();
    owned(store);
    store.delete('deployments.apps', 'default', 'web', { propagationPolicy: 'Orphan' });
    const rs = store.get('replicasets.apps', 'default', 'web-1');
    expect(rs).toBeDefined();
    expect(rs!.metadata.ownerReferences).toBeUndefined();
    expect(store.get('pods', 'default', 'web-1-a')).toBeDefined();
  });

  it('Foreground marks the owner with deletionTimestamp + foregroundDeletion until dependents are gone', () => {
    const store = createMemoryStore();
    owned(store);
    // A finalizer on the pod holds up the chain.
    const pod = store.get('pods', 'default', 'web-1-a')!;
    store.update('pods', { ...pod, metadata: { ...pod.metadata, finalizers: ['example.com/hold'] } });
    const result = store.delete('deployments.apps', 'default', 'web', { propagationPolicy: 'Foreground' });
    expect(result.metadata.deletionTimestamp).toBeDefined();
    expect(result.metadata.finalizers).toContain('foregroundDeletion');
    expect(store.get('deployments.apps', 'default', 'web')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(store.get('replicasets.apps', 'default', 'web-1')?.metadata.deletionTimestamp).toBeDefined();
    const held = store.get('pods', 'default', 'web-1-a')!;
    expect(held.metadata.deletionTimestamp).toBeDefined();
    store.update('pods', { ...held, metadata: { ...held.metadata, finalizers: [] } });
    expect(store.get('pods', 'default', 'web-1-a')).toBeUndefined();
    expect(store.get('replicasets.apps', 'default', 'web-1')).toBeUndefined();
    expect(store.get('deployments.apps', 'default', 'web')).toBeUndefined();
  });

  it('keeps an object with finalizers until they are removed', () => {
    const store = createMemoryStore();
    store.create('configmaps', { ...cm('f'), metadata: { name: 'f', namespace: 'default', finalizers: ['x/y'] } });
    const marked = store.delete('configmaps', 'default', 'f');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    const current = store.get('configmaps', 'default', 'f')!;
    expect(current.metadata.deletionTimestamp).toBe(marked.metadata.deletionTimestamp);
    const types: string[] = [];
    store.subscribe((e) => types.push(e.type));
    store.update('configmaps', { ...current, metadata: { ...current.metadata, finalizers: undefined } });
    expect(store.get('configmaps', 'default', 'f')).toBeUndefined();
    expect(types).toEqual(['MODIFIED', 'DELETED']);
  });

  it('checks delete preconditions and answers 404 for a missing object', () => {
    const store = createMemoryStore();
    store.create('configmaps', cm('a'));
    expect(errorOf(() => store.delete('configmaps', 'default', 'a', { preconditions: { uid: 'nope' } }))).toMatchObject({ code: 409 });
    expect(errorOf(() => store.delete('configmaps', 'default', 'b'))).toMatchObject({ code: 404, message: 'configmaps "b" not found' });
  });

  it('deleting a namespace deletes its contents', () => {
    const store = createMemoryStore();
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tmp' } });
    store.create('configmaps', cm('a', {}, 'tmp'));
    store.delete('namespaces', undefined, 'tmp');
    expect(store.get('namespaces', undefined, 'tmp')).toBeUndefined();
    expect(store.list('configmaps', { namespace: 'tmp' }).items).toEqual([]);
  });
});

describe('CustomResourceDefinitions', () => {
  const crd: KubeObject = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
  };

  it('registers the kind as a served resource type with Established condition, and removes it on delete', () => {
    const store = createMemoryStore();
    const created = store.create('customresourcedefinitions.apiextensions.k8s.io', crd);
    expect((created.status as { conditions: Array<{ type: string; status: string }> }).conditions).toContainEqual(expect.objectContaining({ type: 'Established', status: 'True' }));
    expect(store.resourceType('widgets.example.com')).toMatchObject({ kind: 'Widget', version: 'v1', namespaced: true, subresources: ['status'] });
    store.create('widgets.example.com', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 1 } });
    expect(store.list('widgets.example.com').items).toHaveLength(1);
    store.delete('customresourcedefinitions.apiextensions.k8s.io', undefined, 'widgets.example.com');
    expect(store.resourceType('widgets.example.com')).toBeUndefined();
  });

  it('rejects a CRD whose name does not match plural.group', () => {
    const store = createMemoryStore();
    expect(errorOf(() => store.create('customresourcedefinitions.apiextensions.k8s.io', { ...crd, metadata: { name: 'bad' } }))).toMatchObject({ code: 422 });
  });
});

describe('metadata validation', () => {
  it('rejects invalid names per kind and invalid labels with 422, worded like the API server', () => {
    const store = createMemoryStore();
    expect(errorOf(() => store.create('configmaps', cm('Bad_Name')))).toMatchObject({
      code: 422,
      message: expect.stringMatching(/^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/),
    });
    expect(store.create('configmaps', cm('dotted.name-1')).metadata.name).toBe('dotted.name-1');
    expect(errorOf(() => store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: '1svc', namespace: 'default' }, spec: {} }))).toMatchObject({ code: 422 });
    expect(errorOf(() => store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }))).toMatchObject({ code: 422 });
    expect(store.create('clusterroles.rbac.authorization.k8s.io', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:thing' } }).metadata.name).toBe('system:thing');
    const badLabel = { ...cm('l'), metadata: { name: 'l', namespace: 'default', labels: { app: 'has space' } } };
    expect(errorOf(() => store.create('configmaps', badLabel))).toMatchObject({ code: 422, message: expect.stringContaining('metadata.labels: Invalid value: "has space"') });
    const good = store.create('configmaps', { ...cm('l'), metadata: { name: 'l', namespace: 'default', labels: { 'app.kubernetes.io/name': 'x' } } });
    expect(errorOf(() => store.update('configmaps', { ...good, metadata: { ...good.metadata, labels: { v: 'x'.repeat(64) } } }))).toMatchObject({ code: 422 });
  });
});

describe('spec validation and immutable fields', () => {
  const deployment = (app: string, labels = { app }): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'default' },
    spec: { selector: { matchLabels: { app } }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });

  it('rejects a selector that does not match the template labels, and containers without image', () => {
    const store = createMemoryStore();
    expect(errorOf(() => store.create('deployments.apps', deployment('x', { app: 'y' }))).message).toBe(
      'Deployment "d" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`',
    );
    expect(errorOf(() => store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c' }] } })).message).toBe(
      'Pod "p" is invalid: spec.containers[0].image: Required value',
    );
  });

  it('keeps Deployment selectors, Job templates and StatefulSet fields immutable, as helm upgrades meet them', () => {
    const store = createMemoryStore();
    const d = store.create('deployments.apps', deployment('a'));
    expect(errorOf(() => store.update('deployments.apps', { ...deployment('b'), metadata: d.metadata })).message).toMatch(
      /^Deployment "d" is invalid: spec.selector: Invalid value: v1.LabelSelector\{MatchLabels:map\[string\]string\{"app":"b"\}, MatchExpressions:\[\]v1.LabelSelectorRequirement\(nil\)\}: field is immutable$/,
    );
    const scaled = store.update('deployments.apps', { ...d, spec: { ...(d.spec as object), replicas: 5 } });
    expect((scaled.spec as { replicas: number }).replicas).toBe(5);

    const job = store.create('jobs.batch', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1' }] } } } });
    const spec = job.spec as { template: { spec: { containers: Array<{ image: string }> } } };
    const changed = structuredClone(spec);
    changed.template.spec.containers[0].image = 'busybox:2';
    expect(errorOf(() => store.update('jobs.batch', { ...job, spec: changed })).message).toMatch(/^Job "j" is invalid: spec.template: Invalid value: .*field is immutable$/);
    expect(store.update('jobs.batch', { ...job, spec: { ...spec, activeDeadlineSeconds: 60 } }).metadata.generation).toBe(2);

    const sts = store.create('statefulsets.apps', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', namespace: 'default' }, spec: { ...(deployment('s').spec as object), serviceName: 'x' } });
    expect(errorOf(() => store.update('statefulsets.apps', { ...sts, spec: { ...(sts.spec as object), serviceName: 'y' } })).message).toMatch(/^StatefulSet "s" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas'/);
    expect(store.update('statefulsets.apps', { ...sts, spec: { ...(sts.spec as object), replicas: 3 } }).metadata.generation).toBe(2);
  });

  it("allows a Pod's image to change and the scheduler's binding, but no other spec change", () => {
    const store = createMemoryStore();
    const p = store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx:1', ports: [{ containerPort: 80 }] }] } });
    const bound = store.update('pods', { ...p, spec: { ...(p.spec as object), nodeName: 'node-1' } });
    const image = store.update('pods', { ...bound, spec: { ...(bound.spec as object), containers: [{ name: 'c', image: 'nginx:2', ports: [{ containerPort: 80 }] }] } });
    expect(errorOf(() => store.update('pods', { ...image, spec: { ...(image.spec as object), containers: [{ name: 'c', image: 'nginx:2', ports: [{ containerPort: 81 }] }] } })).message).toMatch(
      /^Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/,
    );
    expect(errorOf(() => store.update('pods', { ...image, spec: { ...(image.spec as object), nodeName: 'node-2' } })).code).toBe(422);
  });

  it('freezes the data of an immutable ConfigMap', () => {
    const store = createMemoryStore();
    const c = store.create('configmaps', { ...cm('frozen', { a: '1' }), immutable: true });
    expect(errorOf(() => store.update('configmaps', { ...c, data: { a: '2' } })).message).toBe('ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
  });
});

describe('storage defaults', () => {
  it('ships a default StorageClass and gives claims without a class the default one', () => {
    const store = createMemoryStore();
    expect(store.get('storageclasses.storage.k8s.io', undefined, 'standard')?.metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
    const pvc = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], ...spec } });
    expect((store.create('persistentvolumeclaims', pvc('a', {})).spec as { storageClassName?: string }).storageClassName).toBe('standard');
    expect((store.create('persistentvolumeclaims', pvc('b', { storageClassName: '' })).spec as { storageClassName?: string }).storageClassName).toBe('');
    expect((store.create('persistentvolumeclaims', pvc('c', { storageClassName: 'fast' })).spec as { storageClassName?: string }).storageClassName).toBe('fast');
  });
});

describe('namespace defaults', () => {
  it("gives every namespace a default ServiceAccount and the kube-root-ca.crt ConfigMap, removed with it", () => {
    const store = createMemoryStore();
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    expect(store.get('serviceaccounts', 'team', 'default')).toBeDefined();
    expect((store.get('configmaps', 'team', 'kube-root-ca.crt')?.data as Record<string, string>)['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(store.get('serviceaccounts', 'kube-system', 'default')).toBeDefined();
    store.delete('namespaces', undefined, 'team');
    expect(store.list('serviceaccounts', { namespace: 'team' }).items).toEqual([]);
    expect(createMemoryStore({ namespaceDefaults: false }).get('serviceaccounts', 'default', 'default')).toBeUndefined();
  });
});
