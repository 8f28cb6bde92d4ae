import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { Authenticator, groupsFor } from '../../../src/sim/auth/authenticator.js';
import { kubectl, withSim, type TestSim } from '../helpers.js';

describe('Authenticator', () => {
  const auth = new Authenticator();
  const token = auth.issueToken('bob', ['dev']);
  const saToken = auth.issueToken('system:serviceaccount:shop:deployer');

  it.each<[string, Parameters<Authenticator['authenticate']>[0], { name: string; groups: string[] } | undefined]>([
    ['a known token', { authorization: `Bearer ${token}` }, { name: 'bob', groups: ['dev', 'system:authenticated'] }],
    ['a ServiceAccount token', { authorization: `Bearer ${saToken}` }, { name: 'system:serviceaccount:shop:deployer', groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'] }],
    ['an unknown token', { authorization: 'Bearer nope' }, undefined],
    ['basic auth', { authorization: 'Basic YWRtaW46YWRtaW4=' }, undefined],
    ['nothing', {}, undefined],
    ['a verified certificate: CN user, O groups', { peer: { authorized: true, subject: { CN: 'alice', O: ['dev', 'ops'] } } }, { name: 'alice', groups: ['dev', 'ops', 'system:authenticated'] }],
    ['a verified certificate with one O', { peer: { authorized: true, subject: { CN: 'root', O: 'system:masters' } } }, { name: 'root', groups: ['system:masters', 'system:authenticated'] }],
    ['a certificate of another CA', { peer: { authorized: false, subject: { CN: 'mallory', O: 'system:masters' } } }, undefined],
    ['a verified certificate wins over a bad token', { authorization: 'Bearer nope', peer: { authorized: true, subject: { CN: 'alice' } } }, { name: 'alice', groups: ['system:authenticated'] }],
  ])('%s', (_name, creds, user) => {
    expect(auth.authenticate(creds)).toEqual(user);
  });

  it('gives ServiceAccount names their groups once', () => {
    expect(groupsFor('system:serviceaccount:a:b', ['system:authenticated'])).toEqual(['system:authenticated', 'system:serviceaccounts', 'system:serviceaccounts:a']);
  });
});

describe('kube-sim with rbac over HTTPS', () => {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await withSim({ workloads: false, rbac: { users: [{ name: 'carol', auth: 'cert', groups: ['dev'] }, { name: 'dave', auth: 'token' }] } });
  });
  afterAll(async () => {
    await sim.stop();
  });

  interface Kc {
    clusters: Array<{ cluster: Record<string, string> }>;
    users: Array<{ name: string; user: Record<string, string> }>;
    contexts: Array<{ name: string; context: { user: string } }>;
    'current-context': string;
  }
  const kubeconfig = () => yaml.load(readFileSync(sim.kubeconfigPath, 'utf8')) as Kc;
  const creds = (contextUser: string) => kubeconfig().users.find((u) => u.name === contextUser)!.user;
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

  function get(path: string, user: Record<string, string> | undefined, post?: unknown): Promise<{ code: number; body: Record<string, unknown> }> {
    const ca = b64(kubeconfig().clusters[0].cluster['certificate-authority-data']);
    return new Promise((resolve, reject) => {
      const r = request(
        `${sim.url}${path}`,
        {
          ca,
          method: post ? 'POST' : 'GET',
          ...(user?.['client-certificate-data'] ? { cert: b64(user['client-certificate-data']), key: b64(user['client-key-data']) } : {}),
          headers: user?.token ? { Authorization: `Bearer ${user.token}` } : {},
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
        },
      );
      r.on('error', reject);
      r.end(post ? JSON.stringify(post) : undefined);
    });
  }

  it('writes one context per user, the admin current, with CA and credentials', () => {
    const kc = kubeconfig();
    expect(sim.url).toMatch(/^https:\/\//);
    expect(kc['current-context']).toBe('autorollback-sim');
    expect(kc.contexts.map((c) => c.name)).toEqual(['autorollback-sim', 'autorollback-sim-carol', 'autorollback-sim-dave']);
    expect(kc.clusters[0].cluster['certificate-authority-data']).toBeTruthy();
    expect(creds('autorollback-sim-carol')['client-certificate-data']).toBeTruthy();
    expect(creds('autorollback-sim-dave').token).toBeTruthy();
  });

  it('lets the admin (system:masters) do anything', async () => {
    expect((await get('/api/v1/nodes', creds('autorollback-sim'))).code).toBe(200);
  });

  it('authenticates a client certificate as its CN and refuses what RBAC does not allow', async () => {
    const res = await get('/api/v1/namespaces/default/secrets', creds('autorollback-sim-carol'));
    expect(res).toEqual({
      code: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'secrets is forbidden: User "carol" cannot list resource "secrets" in API group "" in the namespace "default"',
        reason: 'Forbidden',
        details: { group: '', kind: 'secrets' },
        code: 403,
      },
    });
  });

  it('authenticates a token and allows discovery and /version to every authenticated user', async () => {
    expect((await get('/version', creds('autorollback-sim-dave'))).code).toBe(200);
    expect((await get('/apis/apps/v1', creds('autorollback-sim-dave'))).code).toBe(200);
    expect((await get('/api/v1/nodes', creds('autorollback-sim-dave'))).body.message).toBe('nodes is forbidden: User "dave" cannot list resource "nodes" in API group "" at the cluster scope');
  });

  it('allows what a RoleBinding grants, by group too', async () => {
    sim.store.create('roles.rbac.authorization.k8s.io', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'cm-reader', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] });
    sim.store.create('rolebindings.rbac.authorization.k8s.io', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'cm-reader', namespace: 'default' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' },
      subjects: [{ kind: 'Group', name: 'dev' }],
    });
    expect((await get('/api/v1/namespaces/default/configmaps', creds('autorollback-sim-carol'))).code).toBe(200);
    expect((await get('/api/v1/namespaces/default/configmaps', creds('autorollback-sim-dave'))).code).toBe(403);
  });

  it('answers 401 with a Status to no credentials and to an unknown token', async () => {
    const unauthorized = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
    expect(await get('/api/v1/namespaces/default/pods', undefined)).toEqual({ code: 401, body: unauthorized });
    expect(await get('/version', { token: 'kube-sim.not-a-token' })).toEqual({ code: 401, body: unauthorized });
  });

  it('writes a kubeconfig for one user', async () => {
    await sim.rbac!.addUser({ name: 'erin', auth: 'token' });
    const path = sim.rbac!.writeKubeconfig(`${sim.dir}/erin.kubeconfig`, 'erin');
    const kc = yaml.load(readFileSync(path, 'utf8')) as Kc;
    expect(kc.contexts.map((c) => c.name)).toEqual(['autorollback-sim-erin']);
    expect(kc['current-context']).toBe('autorollback-sim-erin');
    expect((await get('/api/v1/namespaces/default/pods', kc.users[0].user)).body.message).toContain('User "erin" cannot list resource "pods"');
  });

  it('answers SelfSubjectAccessReviews truthfully (JSON, and protobuf from kubectl auth can-i)', async () => {
    const review = (resourceAttributes: Record<string, string>) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } });
    const path = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
    const carol = creds('autorollback-sim-carol');
    expect((await get(path, carol, review({ namespace: 'default', verb: 'list', resource: 'configmaps' }))).body.status).toEqual({ allowed: true });
    expect((await get(path, carol, review({ namespace: 'default', verb: 'delete', resource: 'configmaps' }))).body.status).toEqual({ allowed: false });
    const canI = (args: string[]) => kubectl(sim, ['--context', 'autorollback-sim-carol', 'auth', 'can-i', ...args], 4);
    expect(await canI(['list', 'configmaps', '-n', 'default'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await canI(['list', 'secrets', '-n', 'default'])).toMatchObject({ code: 1, stdout: 'no\n' });
  });
});
