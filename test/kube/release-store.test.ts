import { CoreV1Api } from '@kubernetes/client-node';
import { decodeReleasePayload } from '../../src/domain/release/decode.js';
import type { Release } from '../../src/domain/release/release.js';
import { loadKubeConfig } from '../../src/kube/kubeconfig.js';
import {
  ConfigMapReleaseStore,
  parseDriver,
  releaseStoreFor,
  SecretReleaseStore,
  type KubeReleaseStore,
} from '../../src/kube/release-store.js';
import { openReleaseStore } from '../../src/kube/open-release-store.js';
import { UsageError } from '../../src/errors/errors.js';
import {
  KubeForbiddenError,
  ReleaseNotFoundError,
  RevisionNotFoundError,
  UndecodableRecordError,
} from '../../src/ports/release-store.js';
import { releaseJson, releaseRecord, startFakeApi, type FakeApi } from './fake-api.js';

let api: FakeApi;
beforeEach(async () => {
  api = await startFakeApi();
});
afterEach(async () => {
  await api.close();
});

function coreApi(): CoreV1Api {
  return loadKubeConfig({ kubeconfig: api.kubeconfigPath, env: {} }).kubeConfig.makeApiClient(CoreV1Api);
}

const drivers = [
  ['secret', 'secrets', SecretReleaseStore],
  ['configmap', 'configmaps', ConfigMapReleaseStore],
] as const;

describe.each(drivers)('%s driver against a fake API server', (driver, resource, Store) => {
  const make = (decode?: (p: string) => Release, pageSize?: number): KubeReleaseStore =>
    new Store(coreApi(), { server: api.url, pageSize }, decode);

  it('lists hundreds of revisions from labels only, sorted, without decoding a single body', async () => {
    const records = [];
    for (let rev = 300; rev >= 1; rev--) {
      // Bodies are garbage: any attempt to decode would throw.
      const rec = releaseRecord(driver, 'web', rev, rev === 300 ? 'deployed' : 'superseded');
      (rec.data as { release: string }).release = 'not a release body';
      records.push(rec);
    }
    records.push(releaseRecord(driver, 'other', 1, 'deployed')); // another release in the namespace
    api.objects.set(`team/${resource}`, records);
    let decodes = 0;
    const store = make((p) => {
      decodes++;
      return decodeReleasePayload(p);
    }, 100);

    const history = await store.listHistory('web', 'team');

    expect(history).toHaveLength(300);
    expect(history.map((h) => h.revision)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(history[299]).toMatchObject({ release: 'web', status: 'deployed', recordName: 'sh.helm.release.v1.web.v300' });
    expect(history[0].status).toBe('superseded');
    expect(history[0].createdAt).toEqual(new Date(1764201600 * 1000));
    expect(decodes).toBe(0);
    // Asked the server with helm's selector, in pages of 100.
    const lists = api.requests.filter((r) => r.startsWith(`GET /api/v1/namespaces/team/${resource}?`));
    expect(lists).toHaveLength(3);
    expect(decodeURIComponent(lists[0])).toContain('labelSelector=name=web,owner=helm');
  });

  it('lists with the bodies in one LIST per page (as helm history does) and decodes a body only when asked', async () => {
    const records = [];
    for (let rev = 30; rev >= 1; rev--) records.push(releaseRecord(driver, 'web', rev, rev === 30 ? 'deployed' : 'superseded'));
    const bad = releaseRecord(driver, 'web', 31, 'failed');
    (bad.data as { release: string }).release = Buffer.from('garbage!').toString('base64');
    records.push(bad, releaseRecord(driver, 'other', 1, 'deployed'));
    api.objects.set(`team/${resource}`, records);
    let decodes = 0;
    const store = make((p) => {
      decodes++;
      return decodeReleasePayload(p);
    }, 20);

    const listing = await store.listWithBodies('web', 'team');
    expect(listing.summaries.map((s) => s.revision)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect(decodes).toBe(0);
    expect(listing.decode(7)).toMatchObject({ name: 'web', revision: 7, description: 'rev 7', chart: { version: '1.0.7' } });
    expect(decodes).toBe(1);
    expect(() => listing.decode(31)).toThrow(UndecodableRecordError);
    expect(() => listing.decode(99)).toThrow(RevisionNotFoundError);
    // Two pages of 20, no GET of single records, and the full objects asked for (not metadata only).
    expect(api.requests.map((r) => r.replace(/\?.*/, ''))).toEqual([`GET /api/v1/namespaces/team/${resource}`, `GET /api/v1/namespaces/team/${resource}`]);
    expect(api.accepts.every((a) => !a.includes('PartialObjectMetadataList'))).toBe(true);
    await expect(store.listWithBodies('nope', 'team')).rejects.toThrow(ReleaseNotFoundError);
  });

  it('asks for labels only (PartialObjectMetadataList) when listing without bodies', async () => {
    api.objects.set(`team/${resource}`, [releaseRecord(driver, 'web', 1, 'deployed')]);
    await make().listHistory('web', 'team');
    expect(api.accepts).toEqual([expect.stringMatching(/^application\/json;as=PartialObjectMetadataList;g=meta\.k8s\.io;v=v1/)]);
  });

  it('decodes one revision into a typed Release, with custom labels from the record', async () => {
    api.objects.set(`team/${resource}`, [
      releaseRecord(driver, 'web', 1, 'superseded'),
      releaseRecord(driver, 'web', 2, 'deployed', undefined, { team: 'payments' }),
    ]);
    const rel = await make().getRevision('web', 'team', 2);
    expect(rel).toMatchObject({
      name: 'web',
      revision: 2,
      status: 'deployed',
      chart: { name: 'demo', version: '1.0.2', appVersion: '2.0' },
      description: 'rev 2',
      values: { rev: 2 },
      labels: { team: 'payments' },
    });
    expect(rel.manifest).toContain('name: web-cfg');
    expect(api.requests).toContain(`GET /api/v1/namespaces/team/${resource}/sh.helm.release.v1.web.v2`);
  });

  it('reports a missing release, a missing revision and an undecodable record with typed errors', async () => {
    const bad = releaseRecord(driver, 'web', 3, 'failed');
    (bad.data as { release: string }).release = Buffer.from('garbage!').toString('base64');
    const other = releaseRecord(driver, 'web', 4, 'failed', releaseJson('imposter', 4, 'failed'));
    api.objects.set(`team/${resource}`, [releaseRecord(driver, 'web', 1, 'deployed'), bad, other]);
    const store = make();

    await expect(store.listHistory('nope', 'team')).rejects.toThrow(ReleaseNotFoundError);
    await expect(store.getRevision('nope', 'team', 1)).rejects.toThrow(ReleaseNotFoundError);
    await expect(store.listHistory('web', 'elsewhere')).rejects.toThrow(
      `release "web" not found in namespace "elsewhere" (HELM_DRIVER=${driver})`,
    );
    const missing = store.getRevision('web', 'team', 9);
    await expect(missing).rejects.toThrow(RevisionNotFoundError);
    await expect(missing).rejects.toMatchObject({ exitCode: 2 });
    const undecodable = store.getRevision('web', 'team', 3);
    await expect(undecodable).rejects.toThrow(UndecodableRecordError);
    await expect(undecodable).rejects.toMatchObject({ exitCode: 1 });
    await expect(undecodable).rejects.toThrow(/sh\.helm\.release\.v1\.web\.v3/);
    await expect(store.getRevision('web', 'team', 4)).rejects.toThrow(/holds release "imposter"/);
  });

  it('maps 403 to KubeForbiddenError (exit 5) naming verb and resource', async () => {
    api.failWith = {
      code: 403,
      reason: 'Forbidden',
      message: `${resource} is forbidden: User "dev" cannot list resource "${resource}" in API group "" in the namespace "team"`,
    };
    const err = await make().listHistory('web', 'team').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeForbiddenError);
    expect((err as KubeForbiddenError).exitCode).toBe(5);
    expect((err as KubeForbiddenError).message).toMatch(new RegExp(`^forbidden: not allowed to list ${resource} in namespace "team" \\(403\\) - ${resource} is forbidden`));
  });
});

describe('driver selection', () => {
  it.each([
    [undefined, 'secret'],
    ['', 'secret'],
    ['secret', 'secret'],
    ['Secrets', 'secret'],
    ['configmap', 'configmap'],
    ['configmaps', 'configmap'],
  ])('HELM_DRIVER=%j is the %s driver', (value, expected) => {
    expect(parseDriver(value)).toBe(expected);
  });

  it.each([['memory', /not supported/], ['sql', /not supported/], ['etcd', /unknown storage driver "etcd"/]])(
    'HELM_DRIVER=%s is a one-line UsageError',
    (value, message) => {
      expect(() => parseDriver(value)).toThrow(UsageError);
      expect(() => parseDriver(value)).toThrow(message);
    },
  );

  it('builds the matching store, and openReleaseStore resolves the namespace from flag, env, context', () => {
    expect(releaseStoreFor(coreApi(), { server: api.url }, 'configmap')).toBeInstanceOf(ConfigMapReleaseStore);
    expect(releaseStoreFor(coreApi(), { server: api.url }, 'secret')).toBeInstanceOf(SecretReleaseStore);
    const env = { KUBECONFIG: api.kubeconfigPath, HELM_DRIVER: 'configmap', HELM_NAMESPACE: 'from-env' };
    const opened = openReleaseStore({ env });
    expect(opened.store.driver).toBe('configmap');
    expect(opened.namespace).toBe('from-env');
    expect(openReleaseStore({ env, namespace: 'flag', driver: 'secret' })).toMatchObject({ namespace: 'flag', store: { driver: 'secret' } });
    expect(() => openReleaseStore({ env: { ...env, HELM_DRIVER: 'sql' } })).toThrow(/HELM_DRIVER=sql is not supported/);
  });
});
