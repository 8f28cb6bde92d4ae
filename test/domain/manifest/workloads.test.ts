import { hookWorkloads, parseManifest, releaseWorkloads, workloadsFromManifest } from '../../../src/domain/manifest/workloads.js';

/** A manifest the way helm stores it: `---` separators and `# Source:` comments. */
const MANIFEST = `---
# Source: web/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        version: 2
    spec:
      containers:
        - name: app
          image: nginx:1.27
---
# Source: web/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db
  selector:
    matchLabels: { app: db }
    matchExpressions:
      - { key: tier, operator: In, values: [backend] }
  template:
    metadata:
      labels: { app: db, tier: backend }
    spec:
      containers: [{ name: db, image: postgres:16 }]
---
# Source: web/templates/empty.yaml
---
# Source: web/templates/ds.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: { app: agent }
  template:
    metadata:
      labels: { app: agent }
    spec:
      containers: [{ name: agent, image: agent:1 }]
---
# Source: web/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: seed
spec:
  template:
    metadata:
      labels: { job: seed }
    spec:
      restartPolicy: Never
      containers: [{ name: seed, image: busybox }]
---
# Source: web/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: debug
  labels: { app: debug }
spec:
  containers: [{ name: debug, image: busybox }]
---
# Source: web/templates/crd-job.yaml
apiVersion: example.com/v1
kind: Job
metadata:
  name: not-a-batch-job
`;

describe('workloadsFromManifest', () => {
  it('finds every workload kind, in manifest order, with namespaces, template labels and selectors', () => {
    expect(workloadsFromManifest(MANIFEST, 'prod')).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'prod',
        name: 'web',
        templateLabels: { app: 'web', version: '2' },
        images: { app: 'nginx:1.27' },
        selector: { matchLabels: { app: 'web' } },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        namespace: 'data',
        name: 'db',
        templateLabels: { app: 'db', tier: 'backend' },
        images: { db: 'postgres:16' },
        selector: {
          matchLabels: { app: 'db' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }],
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        namespace: 'prod',
        name: 'agent',
        templateLabels: { app: 'agent' },
        images: { agent: 'agent:1' },
        selector: { matchLabels: { app: 'agent' } },
      },
      { apiVersion: 'batch/v1', kind: 'Job', namespace: 'prod', name: 'seed', templateLabels: { job: 'seed' }, images: { seed: 'busybox' } },
      { apiVersion: 'v1', kind: 'Pod', namespace: 'prod', name: 'debug', templateLabels: { app: 'debug' }, images: { debug: 'busybox' } },
      // Any other kind with a status to wait for (here a custom resource that happens to be called Job) is judged
      // by the kstatus conventions, never as a batch Job; ServiceAccounts and Services have nothing to wait for.
      { apiVersion: 'example.com/v1', kind: 'Job', namespace: 'prod', name: 'not-a-batch-job', generic: true },
    ]);
  });

  it.each([
    ['an empty manifest', ''],
    ['only separators and comments', '---\n# Source: x/templates/a.yaml\n---\n\n---\n'],
    ['only non-workloads', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n'],
    ['a workload without a name', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\n'],
    ['a scalar document', '---\njust a string\n---\n42\n'],
  ])('returns nothing for %s', (_label, manifest) => {
    expect(workloadsFromManifest(manifest, 'ns')).toEqual([]);
  });

  it('records template annotations and init container images', () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  template:
    metadata:
      annotations: { checksum/config: abc123 }
    spec:
      initContainers: [{ name: wait, image: busybox:1 }]
      containers: [{ name: api, image: api:2 }, { name: sidecar, image: envoy:1 }]
`;
    expect(workloadsFromManifest(manifest, 'ns')).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'ns',
        name: 'api',
        templateAnnotations: { 'checksum/config': 'abc123' },
        images: { wait: 'busybox:1', api: 'api:2', sidecar: 'envoy:1' },
      },
    ]);
  });

  it('expands List documents', () => {
    const manifest = `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: { name: a }
  - apiVersion: v1
    kind: Service
    metadata: { name: b }
`;
    expect(workloadsFromManifest(manifest, 'ns')).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: 'a' },
    ]);
  });

  it('skips a broken document with a warning and keeps the others', () => {
    const manifest = `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ok }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: [broken
---
apiVersion: batch/v1
kind: Job
metadata: { name: also-ok }
`;
    const parsed = parseManifest(manifest, 'ns');
    expect(parsed.workloads.map((w) => w.name)).toEqual(['ok', 'also-ok']);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toMatch(/^manifest document 2 is not valid YAML: /);
  });
});

describe('hookWorkloads', () => {
  const hooks = [
    {
      name: 'migrate',
      kind: 'Job',
      path: 'web/templates/migrate.yaml',
      manifest:
        '# Source: web/templates/migrate.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-upgrade,pre-install\nspec:\n  template:\n    metadata:\n      labels: { job: migrate }\n    spec:\n      containers: [{ name: m, image: migrate:1 }]\n',
      events: ['pre-install', 'pre-upgrade'],
      delete_policies: ['before-hook-creation'],
    },
    {
      name: 'smoke',
      kind: 'Pod',
      manifest: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: smoke\n  namespace: qa\n',
      events: ['test'],
    },
    {
      name: 'cfg',
      kind: 'ConfigMap',
      manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n',
      events: ['pre-upgrade'],
    },
  ];

  it('returns Job and Pod hooks with their events and delete policies', () => {
    expect(hookWorkloads(hooks, 'prod')).toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        namespace: 'prod',
        name: 'migrate',
        templateLabels: { job: 'migrate' },
        images: { m: 'migrate:1' },
        hook: { events: ['pre-install', 'pre-upgrade'], deletePolicies: ['before-hook-creation'] },
      },
      { apiVersion: 'v1', kind: 'Pod', namespace: 'qa', name: 'smoke', hook: { events: ['test'], deletePolicies: [] } },
    ]);
  });

  it.each([
    [['pre-upgrade', 'post-upgrade'], ['migrate']],
    [['pre-rollback', 'post-rollback'], []],
    [['test'], ['smoke']],
  ])('filters by events %j', (events, names) => {
    expect(hookWorkloads(hooks, 'prod', events).map((h) => h.name)).toEqual(names);
  });

  it('accepts camelCase deletePolicies and missing hooks', () => {
    expect(hookWorkloads(undefined, 'ns')).toEqual([]);
    const [ref] = hookWorkloads(
      [{ manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata: { name: j }\n', events: ['post-upgrade'], deletePolicies: ['hook-succeeded'] }],
      'ns',
    );
    expect(ref?.hook).toEqual({ events: ['post-upgrade'], deletePolicies: ['hook-succeeded'] });
  });
});

describe('releaseWorkloads', () => {
  const release = {
    namespace: 'prod',
    manifest: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n',
    hooks: [
      { manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n', events: ['pre-upgrade', 'pre-install'], deletePolicies: [] },
      { manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: restore\n', events: ['pre-rollback'], deletePolicies: [] },
    ],
  };

  it.each([
    ['install', ['Deployment/web', 'Job/migrate']],
    ['upgrade', ['Deployment/web', 'Job/migrate']],
    ['rollback', ['Deployment/web', 'Job/restore']],
  ] as const)('for %s watches the manifest and that action\'s hooks', (action, expected) => {
    const refs = releaseWorkloads(release, action);
    expect(refs.map((r) => `${r.kind}/${r.name}`)).toEqual(expected);
    expect(refs.every((r) => r.namespace === 'prod')).toBe(true);
  });

  it('falls back to the given namespace when the release has none', () => {
    expect(releaseWorkloads({ ...release, namespace: '' }, 'upgrade', 'other')[0]?.namespace).toBe('other');
  });
});
