// The light read path of `history` (src/kube/read-ports.ts, src/kube/rest/): same answers and same errors as the
// client-node adapters, and the fallback to them for every kubeconfig shape it does not cover.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPorts } from '../../src/kube/ports.js';
import { openReadPorts } from '../../src/kube/read-ports.js';
import { loadLiteKubeConfig } from '../../src/kube/rest/lite-kubeconfig.js';
import { KubeForbiddenError, KubeUnreachableError, RevisionNotFoundError } from '../../src/ports/release-store.js';
import { releaseRecord, startFakeApi, type FakeApi } from './fake-api.js';

let api: FakeApi;
beforeEach(async () => {
  api = await startFakeApi();
});
afterEach(async () => {
  await api.close();
});

const dir = mkdtempSync(join(tmpdir(), 'read-ports-'));
let n = 0;
/** A kubeconfig for `server` with the given user and cluster extras (YAML flow mappings). */
function kubeconfig(server: string, user = '{}', cluster = ''): string {
  const file = join(dir, `config-${n++}`);
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "${server}"${cluster}}\nusers:\n- name: u\n  user: ${user}\n` +
      `contexts:\n- name: x\n  context: {cluster: c, user: u, namespace: team}\ncurrent-context: x\n`,
  );
  return file;
}

const flags = (kc: string, extra: Record<string, string> = {}) => ({ release: 'web', kubeconfig: kc, env: {}, ...extra });

describe('openReadPorts', () => {
  it('reads labels-only lists, bodies and the ledger over the light client, with the answers of the client-node store', async () => {
    api.objects.set('team/secrets', [releaseRecord('secret', 'web', 1, 'superseded'), releaseRecord('secret', 'web', 2, 'deployed')]);
    const kc = kubeconfig(api.url, '{token: s3cret}');
    const read = await openReadPorts(flags(kc));
    expect(read).toMatchObject({ via: 'rest', namespace: 'team' });
    const full = openPorts(flags(kc));
    expect(await read.releases.listHistory('web', 'team')).toEqual(await full.releases.listHistory('web', 'team'));
    expect(await read.releases.getRevision('web', 'team', 2)).toEqual(await full.releases.getRevision('web', 'team', 2));
    expect(await read.ledger.read('web', 'team')).toEqual(await full.ledger.read('web', 'team'));
    await expect(read.releases.getRevision('web', 'team', 7)).rejects.toThrow(RevisionNotFoundError);
    // Labels only asked for on the list, and the token sent on every request.
    expect(api.accepts[0]).toMatch(/^application\/json;as=PartialObjectMetadataList;/);
    expect(new Set(api.authorizations)).toEqual(new Set(['Bearer s3cret']));
  });

  it('fails with the same one-line errors as the client-node adapters (403, unreachable)', async () => {
    const kc = kubeconfig(api.url);
    api.failWith = { code: 403, reason: 'Forbidden', message: 'secrets is forbidden: User "dev" cannot list resource "secrets"' };
    const rest = await (await openReadPorts(flags(kc))).releases.listHistory('web', 'team').then(() => undefined, (e: Error) => e);
    const full = await openPorts(flags(kc)).releases.listHistory('web', 'team').then(() => undefined, (e: Error) => e.message);
    expect(rest).toBeInstanceOf(KubeForbiddenError);
    expect(rest?.message).toBe(full);
    const closed = kubeconfig('http://127.0.0.1:1');
    const down = await (await openReadPorts(flags(closed))).ledger.read('web', 'team').then(() => undefined, (e: Error) => e);
    expect(down).toBeInstanceOf(KubeUnreachableError);
    expect(down?.message).toBe(await openPorts(flags(closed)).ledger.read('web', 'team').then(() => undefined, (e: Error) => e.message));
  });

  it('rides out a short 503 burst like the client-node adapters (retries with backoff)', async () => {
    api.objects.set('team/secrets', [releaseRecord('secret', 'web', 1, 'deployed')]);
    api.failWith = { code: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' };
    api.failTimes = 2;
    const read = await openReadPorts(flags(kubeconfig(api.url)));
    expect((await read.releases.listHistory('web', 'team')).map((s) => s.revision)).toEqual([1]);
    expect(api.requests).toHaveLength(3);
  });

  it('uses the client-node adapters for kubeconfigs the light client does not cover, and their errors for bad ones', async () => {
    api.objects.set('team/configmaps', [releaseRecord('configmap', 'web', 1, 'deployed')]);
    const exec = kubeconfig(api.url, '{exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/true}}');
    expect((await openReadPorts(flags(exec, { driver: 'configmap' }))).via).toBe('client-node');
    const proxied = kubeconfig(api.url, '{}', ', proxy-url: "http://proxy:3128"');
    expect((await openReadPorts(flags(proxied))).via).toBe('client-node');
    const plain = kubeconfig(api.url);
    const errorOf = async (f: () => unknown) => {
      try {
        await f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const serverless = join(dir, 'serverless');
    writeFileSync(serverless, `${readFileSync(plain, 'utf8').replace('clusters:\n', 'clusters:\n- name: broken\n  cluster: {}\n')}`);
    const bads = [flags(plain, { 'kube-context': 'nope' }), flags(join(dir, 'missing')), flags(plain, { driver: 'sql' }), flags(dir), flags(serverless)];
    for (const bad of bads) {
      const message = await errorOf(() => openReadPorts(bad));
      expect(message).not.toBe('no error');
      expect(message).toBe(await errorOf(() => openPorts(bad)));
    }
  });
});

describe('loadLiteKubeConfig', () => {
  it('takes tokens, client certificates and CA data, and merges a KUBECONFIG list (first definition wins)', () => {
    const cert = Buffer.from('CERT').toString('base64');
    const key = Buffer.from('KEY').toString('base64');
    const ca = Buffer.from('CA').toString('base64');
    const one = kubeconfig('https://k.example:6443/', `{client-certificate-data: ${cert}, client-key-data: ${key}}`, `, certificate-authority-data: ${ca}`);
    expect(loadLiteKubeConfig({ kubeconfig: one, env: {} })).toEqual({
      server: 'https://k.example:6443',
      contextNamespace: 'team',
      tls: { rejectUnauthorized: true, ca: Buffer.from('CA'), cert: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'from-file\n');
    const two = kubeconfig('https://other:6443', `{tokenFile: ${tokenFile}}`, ', insecure-skip-tls-verify: true');
    expect(loadLiteKubeConfig({ env: { KUBECONFIG: `${join(dir, 'absent')}:${two}:${one}` } })).toMatchObject({
      server: 'https://other:6443',
      tls: { rejectUnauthorized: false },
      authorization: 'Bearer from-file',
    });
  });

  it.each([
    ['an exec plugin', '{exec: {command: aws}}', ''],
    ['an auth provider', '{auth-provider: {name: oidc}}', ''],
    ['basic auth', '{username: a, password: b}', ''],
    ['impersonation', '{token: t, as: admin}', ''],
    ['a relative CA file', '{}', ', certificate-authority: ca.crt'],
    ['a certificate without its key', `{client-certificate-data: ${Buffer.from('C').toString('base64')}}`, ''],
    ['a TLS server name', '{}', ', tls-server-name: api'],
  ])('leaves %s to the client-node loader', (_what, user, cluster) => {
    expect(loadLiteKubeConfig({ kubeconfig: kubeconfig('https://k:6443', user, cluster), env: {} })).toBeUndefined();
  });
});
