import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { encodeProtobuf } from '../../../src/sim/server/protobuf.js';
import { waitFor, withSim, type TestSim } from '../helpers.js';

let sim: TestSim;
let kc: KubeConfig;
let core: CoreV1Api;

beforeEach(async () => {
  sim = await withSim({ workloads: false, bookmarkIntervalMs: 200 });
  kc = new KubeConfig();
  kc.loadFromFile(sim.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await sim.stop();
});

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>): V1ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(labels ? { labels } : {}) },
  data,
});

async function codeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
  throw new Error('expected an ApiException');
}

async function getJson(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${sim.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** Reads a raw watch stream until `until` says stop (or the stream ends); returns the parsed events. */
async function readWatch(path: string, until: (events: Array<{ type: string; object: Record<string, any> }>) => boolean, timeoutMs = 5000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(`${sim.url}${path}`, { signal: controller.signal });
  const events: Array<{ type: string; object: Record<string, any> }> = [];
  let buffer = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
      }
      if (until(events)) break;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return { status: res.status, events };
}

describe('discovery and non-resource endpoints', () => {
  it('serves /version with a semver gitVersion, health, and legacy discovery documents', async () => {
    expect((await getJson('/version')).body.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(await (await fetch(`${sim.url}/readyz`)).text()).toBe('ok');
    expect((await getJson('/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await getJson('/apis')).body.groups as Array<{ name: string; preferredVersion: { version: string } }>;
    for (const g of ['apps', 'batch', 'policy', 'networking.k8s.io', 'autoscaling', 'rbac.authorization.k8s.io', 'coordination.k8s.io', 'events.k8s.io', 'apiextensions.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io']) {
      expect(groups.map((x) => x.name)).toContain(g);
    }
    expect(groups.find((g) => g.name === 'autoscaling')?.preferredVersion.version).toBe('v2');
    const core = (await getJson('/api/v1')).body.resources as Array<{ name: string; verbs: string[]; namespaced: boolean }>;
    expect(core.find((r) => r.name === 'pods')).toMatchObject({ namespaced: true, verbs: expect.arrayContaining(['watch', 'list']) });
    expect(core.find((r) => r.name === 'namespaces')).toMatchObject({ namespaced: false });
    const apps = (await getJson('/apis/apps/v1')).body.resources as Array<{ name: string; kind: string }>;
    expect(apps).toContainEqual(expect.objectContaining({ name: 'deployments/scale', kind: 'Scale' }));
    expect((await getJson('/apis/autoscaling/v1')).status).toBe(200);
    expect((await getJson('/apis/nope.example.com/v1')).body).toMatchObject({ kind: 'Status', code: 404 });
  });

  it('serves a protobuf OpenAPI v2 document as application/octet-stream', async () => {
    const res = await fetch(`${sim.url}/openapi/v2`);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5)).toEqual(Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30])); // field 1 = "2.0"
  });
});

describe('CRUD through @kubernetes/client-node', () => {
  it('creates, reads, replaces, patches, lists and deletes ConfigMaps with Kubernetes errors', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: cm('a', { k: 'v' }, { app: 'x' }) });
    expect(created.metadata?.uid).toBeDefined();
    expect(await codeOf(core.createNamespacedConfigMap({ namespace: 'default', body: cm('a') }))).toBe(409);
    expect(await codeOf(core.createNamespacedConfigMap({ namespace: 'missing', body: cm('a') }))).toBe(404);

    const replaced = await core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...created, data: { k: 'v2' } } });
    expect(replaced.data).toEqual({ k: 'v2' });
    // The stale resourceVersion of `created` is a 409 Conflict.
    expect(await codeOf(core.replaceNamespacedConfigMap({ name: 'a', namespace: 'default', body: { ...created, data: { k: 'v3' } } }))).toBe(409);

    const patched = await core.patchNamespacedConfigMap(
      { name: 'a', namespace: 'default', body: { data: { extra: '1' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ k: 'v2', extra: '1' });

    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('b', {}, { app: 'y' }) });
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'app in (x)' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['a']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);

    const status = await core.deleteNamespacedConfigMap({ name: 'a', namespace: 'default', body: { propagationPolicy: 'Background' } });
    expect(status).toMatchObject({ kind: 'Status', status: 'Success' });
    expect(await codeOf(core.readNamespacedConfigMap({ name: 'a', namespace: 'default' }))).toBe(404);
  });

  it('decodes protobuf Secret bodies the way helm sends its release records', async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.r.v1', namespace: 'default', labels: { owner: 'helm', name: 'r', status: 'deployed' } },
      type: 'helm.sh/release.v1',
      data: { release: Buffer.from('H4sIAAAA').toString('base64') },
    };
    const res = await fetch(`${sim.url}/api/v1/namespaces/default/secrets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/vnd.kubernetes.protobuf,application/json' },
      body: encodeProtobuf(secret),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    const stored = await core.readNamespacedSecret({ name: 'sh.helm.release.v1.r.v1', namespace: 'default' });
    expect(stored.data).toEqual(secret.data);
    expect(stored.type).toBe('helm.sh/release.v1');
    expect(stored.metadata?.labels).toEqual(secret.metadata.labels);
    const listed = await core.listNamespacedSecret({ namespace: 'default', labelSelector: 'owner=helm,name=r' });
    expect(listed.items).toHaveLength(1);
  });

  it('answers 415 for an unknown body type, 406 for a protobuf-only Accept, 405 for PUT on a collection', async () => {
    const post = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    expect(post.status).toBe(415);
    expect(await post.json()).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
    expect((await getJson('/api/v1/namespaces/default/configmaps', { Accept: 'application/vnd.kubernetes.protobuf' })).status).toBe(406);
    const put = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(put.status).toBe(405);
  });

  it('serves Tables and PartialObjectMetadataList when Accept asks', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('t') });
    const table = await getJson('/api/v1/namespaces/default/configmaps', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(table.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect((table.body.rows as Array<{ cells: unknown[] }>).map((r) => r.cells[0])).toEqual(['kube-root-ca.crt', 't']);
    const partial = await getJson('/api/v1/namespaces/default/configmaps', { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' });
    expect(partial.body).toMatchObject({ kind: 'PartialObjectMetadataList', items: [{ kind: 'PartialObjectMetadata', metadata: { name: 'kube-root-ca.crt' } }, { metadata: { name: 't' } }] });
  });

  it('handles Deployments: strategic merge patch, /status (generation untouched), /scale and dryRun', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const body = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1', env: [{ name: 'A', value: '1' }] }] } },
      },
    };
    const dry = await fetch(`${sim.url}/apis/apps/v1/namespaces/default/deployments?dryRun=All`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    expect(dry.status).toBe(201);
    expect(await codeOf(apps.readNamespacedDeployment({ name: 'web', namespace: 'default' }))).toBe(404);

    const created = await apps.createNamespacedDeployment({ namespace: 'default', body });
    expect(created.spec?.replicas).toBe(1);
    expect(created.metadata?.generation).toBe(1);
    const patched = await apps.patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.template.spec?.containers[0]).toMatchObject({ image: 'nginx:2', env: [{ name: 'A', value: '1' }] });
    expect(patched.metadata?.generation).toBe(2);

    const withStatus = await apps.replaceNamespacedDeploymentStatus({ name: 'web', namespace: 'default', body: { ...patched, status: { observedGeneration: 2, replicas: 1 } } });
    expect(withStatus.status?.observedGeneration).toBe(2);
    expect(withStatus.metadata?.generation).toBe(2);
    // A PUT to the main resource cannot change status.
    const replaced = await apps.replaceNamespacedDeployment({ name: 'web', namespace: 'default', body: { ...withStatus, status: { replicas: 99 } } });
    expect(replaced.status?.replicas).toBe(1);

    const scale = await apps.readNamespacedDeploymentScale({ name: 'web', namespace: 'default' });
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 1 }, status: { selector: 'app=web' } });
    await apps.patchNamespacedDeploymentScale({ name: 'web', namespace: 'default', body: { spec: { replicas: 4 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' })).spec?.replicas).toBe(4);
  });

  it('deletes a collection by label selector', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('d1', {}, { group: 'g' }) });
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('d2', {}, { group: 'g' }) });
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('keep') });
    await core.deleteCollectionNamespacedConfigMap({ namespace: 'default', labelSelector: 'group=g' });
    expect((await core.listNamespacedConfigMap({ namespace: 'default' })).items.map((i) => i.metadata?.name)).toEqual(['keep', 'kube-root-ca.crt']);
  });
});

describe('watch', () => {
  it('replays from a resourceVersion, streams live changes, and turns a selector exit into DELETED', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const rv = list.metadata!.resourceVersion!;
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('w', {}, { watch: 'me' }) });
    const events: string[] = [];
    const watch = new Watch(kc);
    let done = false;
    const req = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: rv, labelSelector: 'watch=me' },
      (type, obj) => events.push(`${type} ${obj.metadata.name} ${JSON.stringify(obj.metadata.labels ?? {})}`),
      () => (done = true),
    );
    await waitFor('replayed ADDED', () => events.length >= 1);
    const current = await core.readNamespacedConfigMap({ name: 'w', namespace: 'default' });
    await core.replaceNamespacedConfigMap({ name: 'w', namespace: 'default', body: { ...current, data: { x: '1' } } });
    await core.patchNamespacedConfigMap({ name: 'w', namespace: 'default', body: { metadata: { labels: { watch: 'not-me' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('other') });
    await waitFor('three events', () => events.length >= 3);
    expect(events).toEqual(['ADDED w {"watch":"me"}', 'MODIFIED w {"watch":"me"}', 'DELETED w {"watch":"not-me"}']);
    req.abort();
    await waitFor('watch done', () => done);
  });

  it('answers a too-old resourceVersion with an ERROR event carrying 410 Expired', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('old') });
    sim.store.compact();
    const { status, events } = await readWatch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1', (e) => e.length >= 1);
    expect(status).toBe(200);
    expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });

  it('implements WatchList: ADDED for everything, then the initial-events-end bookmark, then live events', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('i1', {}, { list: 'me' }) });
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('i2', {}, { list: 'me' }) });
    const seen: Array<{ type: string; object: Record<string, any> }> = [];
    const creating = (async () => {
      // A live change after the initial events arrive: created once the bookmark has been seen.
      await waitFor('bookmark', () => seen.some((e) => e.type === 'BOOKMARK'));
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('i3', {}, { list: 'me' }) });
    })();
    const { events } = await readWatch(
      '/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=list%3Dme',
      (e) => {
        seen.splice(0, seen.length, ...e);
        return e.some((x) => x.type === 'ADDED' && x.object.metadata.name === 'i3');
      },
    );
    await creating;
    expect(events.slice(0, 2).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED i1', 'ADDED i2']);
    expect(events[2]).toMatchObject({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } } });
    expect(events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name)).toEqual(['i1', 'i2', 'i3']);
  });

  it('rejects sendInitialEvents without resourceVersionMatch=NotOlderThan with 422', async () => {
    const res = await getJson('/api/v1/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true');
    expect(res.status).toBe(422);
  });

  it('sends periodic BOOKMARKs when allowed and ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const { events } = await readWatch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&allowWatchBookmarks=true&timeoutSeconds=1', () => false, 5000);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(events.some((e) => e.type === 'BOOKMARK')).toBe(true);
  });

  it('serves legacy /watch/ paths', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('legacy') });
    const { events } = await readWatch('/api/v1/watch/namespaces/default/configmaps', (e) => e.length >= 2);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED kube-root-ca.crt', 'ADDED legacy']);
  });
});

describe('informers', () => {
  it('list + watch, reconnects after a dropped connection, and re-lists after 410', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('first') });
    const informer = makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const added: string[] = [];
    let connects = 0;
    informer.on('add', (o) => added.push(o.metadata!.name!));
    informer.on('connect', () => connects++);
    informer.on('error', (err) => added.push(`error ${String(err)}`));
    await informer.start();
    try {
      await waitFor('initial list', () => added.includes('first'));
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('second') });
      await waitFor('watched add', () => added.includes('second'));
      expect(sim.stats().watchesOpen).toBe(1);

      const listsBefore = sim.stats().byVerb.list ?? 0;
      expect(sim.faults.dropWatches()).toBe(1);
      await waitFor('reconnect', () => connects >= 2 && sim.stats().watchesOpen === 1);
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('third') });
      await waitFor('add after reconnect', () => added.includes('third'));
      expect(sim.stats().byVerb.list ?? 0).toBe(listsBefore); // resumed from its resourceVersion, no re-list

      // Another kind changes (the informer's resourceVersion falls behind), every older resourceVersion expires,
      // then the watch drops: the rewatch gets 410 and the informer re-lists.
      await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'elsewhere' } } });
      sim.faults.expireResourceVersions();
      sim.faults.dropWatches();
      await waitFor('re-list after 410', () => (sim.stats().byVerb.list ?? 0) > listsBefore && sim.stats().watchesOpen === 1);
      await core.createNamespacedConfigMap({ namespace: 'default', body: cm('fourth') });
      await waitFor('add after re-list', () => added.includes('fourth'));
      expect(added.filter((a) => a.startsWith('error'))).toEqual([]);
      expect(informer.list().map((o) => o.metadata?.name).sort()).toEqual(['first', 'fourth', 'kube-root-ca.crt', 'second', 'third']);
    } finally {
      await informer.stop();
    }
  });
});

describe('faults and stats', () => {
  it('answers 429 with Retry-After and 500 per the configured rates, and clears', async () => {
    sim.faults.set('throttle-rate=1');
    const throttled = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    sim.faults.set({ errorRate: 1 });
    expect((await fetch(`${sim.url}/api/v1/namespaces`)).status).toBe(500);
    sim.faults.clear();
    expect((await fetch(`${sim.url}/api/v1/namespaces`)).status).toBe(200);
    expect(sim.stats().faults).toEqual({ 429: 1, 500: 1 });
  });

  it('adds latency', async () => {
    sim.faults.set('latency=300ms');
    const started = Date.now();
    await fetch(`${sim.url}/api/v1/namespaces`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('rejects a bad fault spec with a one-line error', () => {
    expect(() => sim.faults.set('error-rate=2')).toThrow(/^invalid fault spec "error-rate=2": invalid error-rate "2"/);
    expect(() => sim.faults.set('flood=1')).toThrow(/unknown fault "flood"/);
  });

  it('restarts the API server on the same URL keeping the store', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('survivor') });
    await sim.faults.restartApiServer();
    const again = await core.readNamespacedConfigMap({ name: 'survivor', namespace: 'default' });
    expect(again.metadata?.name).toBe('survivor');
  });

  it('counts requests by verb, resource and user agent, served at /sim/stats', async () => {
    await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`, { headers: { 'User-Agent': 'bench/1.0 (x)' } });
    await fetch(`${sim.url}/api/v1/namespaces/default/configmaps/nope`, { headers: { 'User-Agent': 'bench/1.0 (x)' } });
    const stats = (await getJson('/sim/stats')).body as { byVerb: Record<string, number>; byResource: Record<string, number>; byUserAgent: Record<string, number> };
    expect(stats.byUserAgent['bench/1.0']).toBe(2);
    expect(stats.byVerb).toMatchObject({ list: 1, get: 1 });
    expect(stats.byResource.configmaps).toBe(2);
    expect((stats as unknown as { byUserAgentVerb: Record<string, Record<string, number>> }).byUserAgentVerb['bench/1.0']).toEqual({ list: 1, get: 1 });
  });

  it('measures bytes on the wire per user agent and verb, open watches included', async () => {
    type Bytes = { sent: number; received: number };
    const stats = () => sim.stats() as unknown as { bytes: Bytes; bytesByUserAgent: Record<string, Bytes>; bytesByVerb: Record<string, Bytes>; bytesByUserAgentVerb: Record<string, Record<string, Bytes>> };
    const big = 'x'.repeat(20_000);
    const created = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`, {
      method: 'POST',
      headers: { 'User-Agent': 'writer/1.0', 'Content-Type': 'application/json' },
      body: JSON.stringify(cm('big', { big })),
    });
    const createdBody = await created.text();
    const listed = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`, { headers: { 'User-Agent': 'reader/1.0' } });
    const listBody = await listed.text();
    const after = stats();
    // Request line, headers and the 20 kB body went in; the echoed object came back.
    expect(after.bytesByUserAgentVerb['writer/1.0']!.create!.received).toBeGreaterThan(20_000);
    expect(after.bytesByUserAgentVerb['writer/1.0']!.create!.sent).toBeGreaterThan(Buffer.byteLength(createdBody));
    expect(after.bytesByUserAgentVerb['reader/1.0']!.list!.sent).toBeGreaterThan(Buffer.byteLength(listBody));
    expect(after.bytesByUserAgentVerb['reader/1.0']!.list!.received).toBeLessThan(1_000);
    // A watch still open counts what it has sent so far.
    const controller = new AbortController();
    const watch = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps?watch=true`, { headers: { 'User-Agent': 'watcher/1.0' }, signal: controller.signal });
    const reader = (watch.body as ReadableStream<Uint8Array>).getReader();
    let seen = 0;
    while (seen < 20_000) seen += (await reader.read()).value?.length ?? 0;
    await waitFor('the open watch counted', () => (stats().bytesByUserAgent['watcher/1.0']?.sent ?? 0) > 20_000);
    controller.abort();
    const end = stats();
    const sum = (pick: (b: Bytes) => number) => Object.values(end.bytesByUserAgent).reduce((n, b) => n + pick(b), 0);
    expect(end.bytes.sent).toBe(sum((b) => b.sent));
    expect(end.bytes.received).toBe(sum((b) => b.received));
    expect(Object.keys(end.bytesByVerb).sort()).toEqual(['create', 'list', 'watch']);
  });
});

describe('list pagination and named watches', () => {
  it('pages with limit and continue at the first page resourceVersion', async () => {
    for (const n of ['p-a', 'p-b', 'p-c', 'p-d', 'p-e']) await core.createNamespacedConfigMap({ namespace: 'default', body: cm(n, {}, { page: 'yes' }) });
    const names: string[] = [];
    let token: string | undefined;
    let firstRv: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'page=yes', limit: 2, _continue: token });
      pages++;
      firstRv ??= page.metadata?.resourceVersion;
      expect(page.metadata?.resourceVersion).toBe(firstRv);
      names.push(...page.items.map((i) => i.metadata!.name!));
      token = page.metadata?._continue;
      if (pages === 1) await core.createNamespacedConfigMap({ namespace: 'default', body: cm('unrelated') });
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
    expect((await getJson('/api/v1/namespaces/default/configmaps?limit=1&continue=garbage')).status).toBe(400);
  });

  it('watches one object by its path', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('one') });
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('two') });
    const { events } = await readWatch('/api/v1/watch/namespaces/default/configmaps/two', (e) => e.length >= 1);
    expect(events.map((e) => e.object.metadata.name)).toEqual(['two']);
  });
});

describe('events.k8s.io/v1', () => {
  it('serves the stored core/v1 Events in the events.k8s.io shape, both ways, including watches', async () => {
    sim.store.create('events', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
      source: { component: 'kubelet' },
      count: 3,
    });
    const list = await getJson('/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3Dweb');
    expect(list.body).toMatchObject({ kind: 'EventList', apiVersion: 'events.k8s.io/v1' });
    expect((list.body.items as unknown[])[0]).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      regarding: { kind: 'Pod', name: 'web' },
      note: 'Back-off restarting failed container',
      deprecatedCount: 3,
      deprecatedSource: { component: 'kubelet' },
    });
    const watching = readWatch('/apis/events.k8s.io/v1/namespaces/default/events?watch=true&resourceVersion=' + sim.store.currentResourceVersion(), (e) => e.length >= 1);
    const res = await fetch(`${sim.url}/apis/events.k8s.io/v1/namespaces/default/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ metadata: { name: 'web.2' }, regarding: { kind: 'Pod', name: 'web' }, note: 'hello', reason: 'Test', type: 'Normal', reportingController: 'me', reportingInstance: 'me-1', action: 'Testing', eventTime: '2026-01-01T00:00:00.000000Z' }),
    });
    expect(res.status).toBe(201);
    expect(sim.store.get('events', 'default', 'web.2')).toMatchObject({ involvedObject: { name: 'web' }, message: 'hello', reportingComponent: 'me' });
    const { events } = await watching;
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { apiVersion: 'events.k8s.io/v1', note: 'hello' } });
  });
});

describe('fault control over HTTP (/sim/faults)', () => {
  it('sets, reads and clears faults, drops watches and restarts the server', async () => {
    const set = await fetch(`${sim.url}/sim/faults`, { method: 'PUT', body: 'throttle-rate=1' });
    expect(await set.json()).toEqual({ throttleRate: 1 });
    expect((await fetch(`${sim.url}/api/v1/namespaces`)).status).toBe(429);
    const bad = await fetch(`${sim.url}/sim/faults`, { method: 'PUT', body: 'throttle-rate=7' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/invalid throttle-rate "7"/);
    expect(await (await fetch(`${sim.url}/sim/faults`, { method: 'DELETE' })).json()).toEqual({});
    expect((await fetch(`${sim.url}/api/v1/namespaces`)).status).toBe(200);

    let started = Date.now();
    const watching = readWatch('/api/v1/namespaces/default/configmaps?watch=true', () => false, 8000);
    await waitFor('watch open', () => sim.stats().watchesOpen === 1);
    expect(await (await fetch(`${sim.url}/sim/faults/drop-watches`, { method: 'POST' })).json()).toEqual({ dropped: 1 });
    await watching;
    expect(Date.now() - started).toBeLessThan(6000); // ended by the drop, not by the client's 8 s abort

    // reset-watches cuts the connection mid-stream instead: the client's read fails.
    const cut = readWatch('/api/v1/namespaces/default/configmaps?watch=true', () => false, 8000);
    await waitFor('watch open', () => sim.stats().watchesOpen === 1);
    expect(await (await fetch(`${sim.url}/sim/faults/reset-watches`, { method: 'POST' })).json()).toEqual({ dropped: 1 });
    await expect(cut).rejects.toThrow();

    // A restart closes every connection (this watch too) and serves the same store again on the same URL.
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('kept') });
    started = Date.now();
    const watching2 = readWatch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0', () => false, 8000);
    await waitFor('watch open', () => sim.stats().watchesOpen === 1);
    expect((await fetch(`${sim.url}/sim/faults/restart`, { method: 'POST' })).status).toBe(202);
    await watching2.catch(() => undefined);
    expect(Date.now() - started).toBeLessThan(6000);
    let back: V1ConfigMap | undefined;
    const deadline = Date.now() + 10_000;
    while (!back && Date.now() < deadline) {
      back = await core.readNamespacedConfigMap({ name: 'kept', namespace: 'default' }).catch(() => undefined);
    }
    expect(back?.metadata?.name).toBe('kept');
  });
});

describe('one-off faults over HTTP: bursts, expired watches, a restart with downtime', () => {
  it('answers a burst with 503 until it ends, refuses connections while a restart is down, and 410s resumed watches', async () => {
    expect(await (await fetch(`${sim.url}/sim/faults/burst?for=60s&code=503`, { method: 'POST' })).json()).toEqual({ code: 503, forMs: 60_000 });
    const refused = await fetch(`${sim.url}/api/v1/namespaces`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { reason: string }).reason).toBe('ServiceUnavailable');
    expect((await fetch(`${sim.url}/sim/faults/burst?for=1s&code=404`, { method: 'POST' })).status).toBe(400);
    await fetch(`${sim.url}/sim/faults`, { method: 'DELETE' });
    expect((await fetch(`${sim.url}/api/v1/namespaces`)).status).toBe(200);

    // expire-watches: a watch from the current resourceVersion is cut; resuming from it gets the 410 ERROR event.
    const list = (await (await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`)).json()) as { metadata: { resourceVersion: string } };
    const rv = list.metadata.resourceVersion;
    const cut = readWatch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, () => false, 8000);
    await waitFor('watch open', () => sim.stats().watchesOpen === 1);
    await core.createNamespacedConfigMap({ namespace: 'default', body: cm('after-expiry') });
    expect(await (await fetch(`${sim.url}/sim/faults/expire-watches`, { method: 'POST' })).json()).toEqual({ dropped: 1 });
    await expect(cut).rejects.toThrow();
    const resumed = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    expect(resumed.status).toBe(200);
    expect(await resumed.text()).toMatch(/"type":"ERROR".*"code":410/);

    // restart?down=: connection refused while down, the same store after.
    const started = Date.now();
    expect((await fetch(`${sim.url}/sim/faults/restart?down=1500ms`, { method: 'POST' })).status).toBe(202);
    await waitFor('server down', () => Date.now() - started > 200);
    await expect(fetch(`${sim.url}/api/v1/namespaces`)).rejects.toThrow();
    let back: V1ConfigMap | undefined;
    while (!back && Date.now() - started < 10_000) {
      back = await core.readNamespacedConfigMap({ name: 'after-expiry', namespace: 'default' }).catch(() => undefined);
    }
    expect(back?.metadata?.name).toBe('after-expiry');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });
});

describe('a 5xx burst is an outage of the whole API server', () => {
  // The simulator's controllers write to the store directly; in a real cluster their writes would fail against a
  // failing server too, so a change made during the burst reaches open watches only once the burst is over.
  it('holds live watch events until a 500 / 503 burst ends, but not during a 429 burst (throttling)', async () => {
    const list = (await (await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`)).json()) as { metadata: { resourceVersion: string } };
    const arrivals: Array<{ name: string; at: number; bursting: boolean }> = [];
    const watch = readWatch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.metadata.resourceVersion}`, (events) => {
      const e = events[events.length - 1]!;
      arrivals.push({ name: e.object.metadata.name, at: Date.now(), bursting: sim.faults.bursting() });
      return arrivals.length === 2;
    }, 8000);
    await waitFor('watch open', () => sim.stats().watchesOpen === 1);

    sim.faults.burst({ forMs: 400, code: 500 });
    const burstEnds = Date.now() + 400;
    sim.store.create('configmaps', cm('during-outage') as never);
    await waitFor('held event delivered', () => arrivals.length === 1, 5000);
    expect(arrivals[0]).toMatchObject({ name: 'during-outage', bursting: false });
    expect(arrivals[0]!.at).toBeGreaterThanOrEqual(burstEnds);

    sim.faults.burst({ forMs: 60_000, code: 429 });
    sim.store.create('configmaps', cm('while-throttled') as never);
    await watch;
    expect(arrivals[1]).toMatchObject({ name: 'while-throttled', bursting: true });
    sim.faults.clear();
  });
});

describe('unknown fields of built-in kinds', () => {
  const deploymentWith = (extra: Record<string, unknown>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'typo' },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'web', image: 'nginx', ...extra }] } },
    },
  });
  const post = (body: unknown, query = '') =>
    fetch(`${sim.url}/apis/apps/v1/namespaces/default/deployments${query}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('rejects them with fieldValidation=Strict like a strict decoding error', async () => {
    const res = await post(deploymentWith({ imagee: 'x' }), '?fieldValidation=Strict');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagee"',
    );
    expect(sim.store.get('deployments.apps', 'default', 'typo')).toBeUndefined();
  });

  it('warns by default and drops them from the stored object; declared inline fields pass', async () => {
    const res = await post(deploymentWith({ imagee: 'x', readinessProbe: { httpGet: { port: 80 }, periodSeconds: 3 }, env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }));
    expect(res.status).toBe(201);
    expect(res.headers.get('warning')).toBe('299 - "unknown field \\"spec.template.spec.containers[0].imagee\\""');
    const stored = sim.store.get('deployments.apps', 'default', 'typo') as unknown as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
    expect(stored.spec.template.spec.containers[0].imagee).toBeUndefined();
    expect(stored.spec.template.spec.containers[0].readinessProbe).toMatchObject({ httpGet: { port: 80 }, periodSeconds: 3 });
  });

  it('fails server-side apply of an undeclared field as the API server does', async () => {
    const res = await fetch(`${sim.url}/apis/apps/v1/namespaces/default/deployments/typo?fieldManager=helm&fieldValidation=Strict&force=false`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: JSON.stringify(deploymentWith({ imagee: 'x' })),
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toBe(
      'failed to create typed patch object (default/typo; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].imagee: field not declared in schema',
    );
  });
});

describe('objects embedded where the real schema embeds them', () => {
  const statefulSet = (claim: Record<string, unknown>) => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, ...claim }],
    },
  });
  const applyIt = (body: unknown) =>
    fetch(`${sim.url}/apis/apps/v1/namespaces/default/statefulsets/db?fieldManager=helm&fieldValidation=Strict&force=false`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: JSON.stringify(body),
    });

  it('accepts apiVersion/kind of the PersistentVolumeClaims in volumeClaimTemplates, still rejects an undeclared field there', async () => {
    const strict = await fetch(`${sim.url}/apis/apps/v1/namespaces/default/statefulsets?fieldValidation=Strict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...statefulSet({ apiVersion: 'v1', kind: 'PersistentVolumeClaim' }), metadata: { name: 'db-strict' } }),
    });
    expect(strict.status).toBe(201);
    const res = await applyIt(statefulSet({ apiVersion: 'v1', kind: 'PersistentVolumeClaim' }));
    expect(res.status).toBe(201);
    expect((sim.store.get('statefulsets.apps', 'default', 'db')?.spec as any).volumeClaimTemplates[0]).toMatchObject({ apiVersion: 'v1', kind: 'PersistentVolumeClaim' });
    const typo = await applyIt(statefulSet({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', specc: {} }));
    expect(typo.status).toBe(500);
    expect(((await typo.json()) as { message: string }).message).toBe(
      'failed to create typed patch object (default/db; apps/v1, Kind=StatefulSet): .spec.volumeClaimTemplates[0].specc: field not declared in schema',
    );
    // apiVersion/kind are not declared on pod templates (no TypeMeta there).
    const template = await fetch(`${sim.url}/apis/apps/v1/namespaces/default/statefulsets?fieldValidation=Strict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...statefulSet({}), metadata: { name: 'db-template' }, spec: { ...statefulSet({}).spec, template: { kind: 'PodTemplate', ...statefulSet({}).spec.template } } }),
    });
    expect(template.status).toBe(400);
  });
});

describe('values of the wrong type in built-in kinds', () => {
  const deployment = (spec: Record<string, unknown>, labels: Record<string, unknown> = { app: 'x' }) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'typed' },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx' }] } }, ...spec },
  });
  const send = (method: string, path: string, contentType: string, body: unknown) =>
    fetch(`${sim.url}/apis/apps/v1/namespaces/default/deployments${path}`, { method, headers: { 'Content-Type': contentType }, body: JSON.stringify(body) });

  it('fails the decode like encoding/json (a quoted replicas, a boolean label) whatever fieldValidation says', async () => {
    const res = await send('POST', '?fieldValidation=Ignore', 'application/json', deployment({ replicas: '3' }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    const label = await send('POST', '', 'application/json', deployment({}, { app: true }));
    expect(((await label.json()) as { message: string }).message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal bool into Go struct field ObjectMeta.spec.template.metadata.labels of type string',
    );
    // Strings where IntOrString and Quantity are declared are fine.
    const fine = await send('POST', '', 'application/json', deployment({ strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: '10%' } } }));
    expect(fine.status).toBe(201);
  });

  it('fails server-side apply with the typed-patch message', async () => {
    const res = await send('PATCH', '/typed?fieldManager=helm&force=false', 'application/apply-patch+yaml', deployment({ replicas: '3' }));
    expect(res.status).toBe(500);
    expect(((await res.json()) as { message: string }).message).toBe(
      'failed to create typed patch object (default/typed; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string',
    );
  });
});
