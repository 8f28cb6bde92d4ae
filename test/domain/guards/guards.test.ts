import {
  configDriftFindings,
  configReferences,
  evaluateGuards,
  gitOpsFindings,
  gitOpsOwner,
  migrationFindings,
  migrationSign,
  refuseRollbackTarget,
  rollbackHooks,
  worstSeverity,
} from '../../../src/domain/guards/index.js';
import type { Hook, Release, ReleaseStatus } from '../../../src/domain/release/release.js';
import { manualRollbackTarget } from '../../../src/domain/rollback/target.js';

const NS = 'prod';

function hook(name: string, events: string[], body: string, o: Partial<Hook> = {}): Hook {
  return { name, kind: 'Job', path: `app/templates/${name}.yaml`, manifest: body, events, lastRun: { phase: 'Succeeded' }, weight: 0, deletePolicies: [], ...o };
}

/** A Job hook running `image` with `command`, optionally annotated. */
function jobHook(name: string, events: string[], image: string, command: string[] = [], annotations: Record<string, string> = {}, o: Partial<Hook> = {}): Hook {
  const ann = Object.entries(annotations).map(([k, v]) => `\n    ${k}: ${JSON.stringify(v)}`).join('');
  const body = `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  annotations:
    helm.sh/hook: ${events.join(',')}${ann}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: run
          image: ${image}
          command: ${JSON.stringify(command)}
`;
  return hook(name, events, body, o);
}

function rel(revision: number, o: { status?: ReleaseStatus; manifest?: string; hooks?: Hook[]; description?: string } = {}): Release {
  return {
    name: 'web',
    namespace: NS,
    revision,
    status: o.status ?? 'superseded',
    chart: { name: 'web', version: '1.0.0', appVersion: '1' },
    description: o.description ?? 'Upgrade complete',
    values: {},
    manifest: o.manifest ?? '',
    hooks: o.hooks ?? [],
    labels: {},
  };
}

describe('migrationSign', () => {
  it.each<[string, Hook, string | undefined]>([
    ['annotation true', jobHook('prep', ['pre-upgrade'], 'busybox', ['true'], { 'autorollback.helm.sh/migration': 'true' }), 'annotation'],
    ['annotation false wins over the tool', jobHook('db-migrate', ['pre-upgrade'], 'flyway/flyway:10', ['flyway', 'migrate'], { 'autorollback.helm.sh/migration': 'false' }), undefined],
    ['flyway image', jobHook('schema', ['pre-upgrade'], 'docker.io/flyway/flyway:10.1', []), 'flyway'],
    ['liquibase image with digest', jobHook('schema', ['pre-upgrade'], 'liquibase/liquibase@sha256:abc', []), 'liquibase'],
    ['alembic command', jobHook('schema', ['pre-upgrade'], 'registry/app:2', ['alembic', 'upgrade', 'head']), 'alembic'],
    ['atlas command', jobHook('schema', ['pre-upgrade'], 'registry/tools:1', ['atlas', 'migrate', 'apply']), 'atlas'],
    ['golang-migrate image', jobHook('schema', ['pre-upgrade'], 'migrate/migrate:v4.17.0', ['-path', '/m', 'up']), 'golang-migrate'],
    ['prisma', jobHook('schema', ['pre-upgrade'], 'node:20', ['npx', 'prisma', 'migrate', 'deploy']), 'prisma'],
    ['knex', jobHook('schema', ['pre-upgrade'], 'node:20', ['npx', 'knex', 'migrate:latest']), 'knex'],
    ['rails db:migrate via sh -c', jobHook('schema', ['pre-upgrade'], 'ruby:3', ['sh', '-c', 'bundle exec rails db:migrate']), 'rails'],
    ['django manage.py migrate', jobHook('schema', ['post-upgrade'], 'python:3', ['python', 'manage.py', 'migrate', '--noinput']), 'django'],
    ['goose', jobHook('schema', ['pre-upgrade'], 'registry/app:2', ['goose', 'postgres', 'dsn', 'up']), 'goose'],
    ['sqitch', jobHook('schema', ['pre-upgrade'], 'sqitch/sqitch:1', ['sqitch', 'deploy']), 'sqitch'],
    ['a bare `migrate` word', jobHook('schema', ['pre-upgrade'], 'registry/app:2', ['npm', 'run', 'migrate']), 'a migrate command'],
    ['named like a migration', jobHook('db-migration', ['pre-upgrade'], 'registry/app:2', ['/app/run']), 'name'],
    ['an ordinary hook', jobHook('smoke-test', ['post-upgrade'], 'curlimages/curl', ['curl', 'http://web']), undefined],
    ['"immigrate" is not migrate', jobHook('notify', ['post-upgrade'], 'registry/immigrate-bot:1', ['send']), undefined],
    ['a ConfigMap hook never is', hook('migrate-config', ['pre-upgrade'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: migrate-config\n', { kind: 'ConfigMap' }), undefined],
  ])('%s', (_name, h, expected) => {
    expect(migrationSign(h)?.by).toBe(expected);
  });
});

describe('migrationFindings', () => {
  const migrate = jobHook('db-migrate', ['pre-upgrade'], 'flyway/flyway:10', ['flyway', 'migrate']);
  const undo = jobHook('db-undo', ['pre-rollback'], 'flyway/flyway:10', ['flyway', 'undo']);
  it.each<[string, Release, Release[], 'warn' | 'block', Array<[string, RegExp]>]>([
    ['crossed migration that ran, warn policy, no pre-rollback hook', rel(3), [rel(4, { hooks: [migrate] }), rel(5, { status: 'deployed' })], 'warn',
      [['warn', /^revision 4's pre-upgrade hook Job\/db-migrate \(flyway\) ran \(Succeeded\): rolling back to revision 3 does not undo its schema change; revision 3 has no pre-rollback hook/]]],
    ['block policy', rel(3), [rel(4, { hooks: [migrate] })], 'block', [['block', /ran \(Succeeded\)/]]],
    ['target has a pre-rollback hook', rel(3, { hooks: [undo] }), [rel(4, { hooks: [migrate] })], 'warn', [['warn', /revision 3 has a pre-rollback hook \(Job\/db-undo\) that runs first/]]],
    ['a migration that never ran is info', rel(3), [rel(4, { status: 'failed', hooks: [{ ...migrate, lastRun: { phase: 'Unknown' } }] })], 'block', [['info', /never ran/]]],
    ['a rollback revision carries hooks it did not run', rel(3), [rel(4, { status: 'deployed', description: 'Rollback to 2', hooks: [{ ...migrate, lastRun: { phase: 'Unknown' } }] })], 'warn', [['info', /never ran/]]],
    ['a failed migration still ran', rel(3), [rel(4, { status: 'failed', hooks: [{ ...migrate, lastRun: { phase: 'Failed' } }] })], 'warn', [['warn', /ran \(Failed\)/]]],
    ['the target\'s own migration is not crossed', rel(3, { hooks: [migrate] }), [rel(4)], 'block', []],
    ['pre-rollback hooks are not migrations crossed', rel(3), [rel(4, { hooks: [{ ...undo }] })], 'block', []],
  ])('%s', (_name, target, crossed, policy, expected) => {
    const findings = migrationFindings({ target, crossed, policy });
    expect(findings.map((f) => f.severity)).toEqual(expected.map(([s]) => s));
    findings.forEach((f, i) => expect(f.message).toMatch(expected[i]![1]));
  });
});

describe('rollbackHooks', () => {
  it('runs only the target\'s pre-/post-rollback hooks, pre first, then by weight', () => {
    const target = rel(3, {
      hooks: [
        jobHook('post', ['post-rollback'], 'x'),
        jobHook('migrate', ['pre-upgrade'], 'x'),
        jobHook('b-pre', ['pre-rollback'], 'x', [], {}, { weight: 5 }),
        jobHook('a-pre', ['pre-rollback', 'pre-upgrade'], 'x', [], {}, { weight: 5 }),
        jobHook('first', ['pre-rollback'], 'x', [], {}, { weight: -1 }),
      ],
    });
    expect(rollbackHooks(target).map((h) => h.name)).toEqual(['first', 'a-pre', 'b-pre', 'post']);
    expect(rollbackHooks(target, { noHooks: true })).toEqual([]);
  });
});

const deployment = (name: string, podSpec: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
${podSpec.replace(/^/gm, '      ')}
`;
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;

describe('configReferences', () => {
  it('finds env valueFrom, envFrom, volumes and projected sources, of every container and init container', () => {
    const manifest = deployment('web', `initContainers:
  - name: init
    image: x
    envFrom:
      - secretRef: { name: init-secret }
containers:
  - name: app
    image: x
    env:
      - name: A
        valueFrom: { configMapKeyRef: { name: env-cm, key: a } }
      - name: B
        valueFrom: { secretKeyRef: { name: env-secret, key: b } }
      - name: C
        value: plain
    envFrom:
      - configMapRef: { name: from-cm }
volumes:
  - name: v1
    configMap: { name: vol-cm }
  - name: v2
    secret: { secretName: vol-secret }
  - name: v3
    projected:
      sources:
        - configMap: { name: proj-cm }
        - secret: { name: proj-secret }
        - serviceAccountToken: { path: token }`);
    expect(configReferences(manifest, NS).map((r) => `${r.kind}/${r.name}`)).toEqual([
      'Secret/init-secret', 'ConfigMap/env-cm', 'Secret/env-secret', 'ConfigMap/from-cm',
      'ConfigMap/vol-cm', 'Secret/vol-secret', 'ConfigMap/proj-cm', 'Secret/proj-secret',
    ]);
    expect(configReferences(manifest, NS)[0]).toEqual({ kind: 'Secret', name: 'init-secret', namespace: NS, by: 'Deployment/web' });
  });

  it('reads CronJobs and bare Pods; ignores non-workloads', () => {
    const manifest = [
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: nightly }\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{ name: c, image: x, envFrom: [{ configMapRef: { name: cron-cm } }] }]',
      'apiVersion: v1\nkind: Pod\nmetadata: { name: solo, namespace: other }\nspec:\n  volumes: [{ name: v, configMap: { name: pod-cm } }]\n  containers: [{ name: c, image: x }]',
      cm('not-a-reader'),
    ].join('\n---\n');
    expect(configReferences(manifest, NS).map((r) => `${r.by} ${r.kind}/${r.namespace}/${r.name}`)).toEqual([
      `CronJob/nightly ConfigMap/${NS}/cron-cm`,
      'Pod/solo ConfigMap/other/pod-cm',
    ]);
  });
});

describe('configDriftFindings', () => {
  const reads = (...names: string[]) => deployment('web', `containers:\n  - name: app\n    image: x\n    envFrom:\n${names.map((n) => `      - configMapRef: { name: ${n} }`).join('\n')}`);
  it.each<[string, Release, Release[], RegExp[]]>([
    ['a ConfigMap outside the release is not reverted', rel(3, { manifest: reads('external') }), [rel(4, { manifest: reads('external') })],
      [/^not reverted by this rollback: ConfigMap\/external \(read by Deployment\/web\) is not managed by any revision of the release/]],
    ['managed by the target: reverted, nothing to say', rel(3, { manifest: `${reads('own')}---\n${cm('own')}` }), [rel(4, { manifest: `${reads('own')}---\n${cm('own')}` })], []],
    ['managed by an older revision only: not external', rel(3, { manifest: reads('old') }), [rel(2, { manifest: cm('old') }), rel(4)], []],
    ['managed only by the current revision: the rollback deletes it', rel(3, { manifest: reads('newcm') }), [rel(4, { manifest: `${reads('newcm')}---\n${cm('newcm')}` })],
      [/^ConfigMap\/newcm is read by Deployment\/web of revision 3 but managed only by revision 4, not by the target: the rollback deletes it/]],
    ['several external objects are one finding', rel(3, { manifest: reads('a', 'b') }), [rel(4)], [/ConfigMap\/a, ConfigMap\/b .* are not managed/]],
  ])('%s', (_name, target, others, expected) => {
    const findings = configDriftFindings({ target, others });
    expect(findings.map((f) => f.message)).toEqual(expected.map((e) => expect.stringMatching(e)));
    expect(findings.every((f) => f.severity === 'warn' && f.guard === 'config-drift')).toBe(true);
  });
});

describe('GitOps ownership', () => {
  const obj = (labels: Record<string, string>, annotations: Record<string, string> = {}) => ({ kind: 'Deployment', metadata: { name: 'web', labels, annotations } });
  it.each<[string, Record<string, unknown>, unknown]>([
    ['Argo CD tracking-id annotation', obj({}, { 'argocd.argoproj.io/tracking-id': 'shop-web:apps/Deployment:prod/web' }), { tool: 'argocd', app: 'shop-web' }],
    ['Argo CD instance label', obj({ 'argocd.argoproj.io/instance': 'shop' }), { tool: 'argocd', app: 'shop' }],
    ['app.kubernetes.io/instance with Argo CD metadata', obj({ 'app.kubernetes.io/instance': 'shop' }, { 'argocd.argoproj.io/sync-wave': '1' }), { tool: 'argocd', app: 'shop' }],
    ['app.kubernetes.io/instance alone is what charts set: not Argo CD', obj({ 'app.kubernetes.io/instance': 'web' }), undefined],
    ['Flux HelmRelease labels', obj({ 'helm.toolkit.fluxcd.io/name': 'web', 'helm.toolkit.fluxcd.io/namespace': 'flux-system' }), { tool: 'flux', kind: 'hr', name: 'web', namespace: 'flux-system' }],
    ['Flux Kustomization labels', obj({ 'kustomize.toolkit.fluxcd.io/name': 'apps' }), { tool: 'flux', kind: 'ks', name: 'apps' }],
    ['nothing', obj({ app: 'web' }), undefined],
  ])('%s', (_name, o, expected) => {
    expect(gitOpsOwner(o)).toEqual(expected);
  });

  it('one warning per owner, with the fix: revert in Git; flux suspend hr NAME', () => {
    const manifest = [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: { helm.toolkit.fluxcd.io/name: web, helm.toolkit.fluxcd.io/namespace: flux-system }',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: { helm.toolkit.fluxcd.io/name: web, helm.toolkit.fluxcd.io/namespace: flux-system }',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  annotations: { argocd.argoproj.io/tracking-id: "shop:/ConfigMap:prod/cfg" }',
    ].join('\n---\n');
    const findings = gitOpsFindings({ manifests: [manifest, manifest] });
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warn', message: expect.stringMatching(/^Flux HelmRelease flux-system\/web manages Deployment\/web, Service\/web: /), fix: 'revert the change in Git; to hold the rollback until then: flux suspend hr web -n flux-system' }),
      expect.objectContaining({ severity: 'warn', message: expect.stringMatching(/^Argo CD application "shop" tracks ConfigMap\/cfg/), fix: expect.stringMatching(/^revert the change in Git/) }),
    ]);
  });
});

describe('refuseRollbackTarget', () => {
  const history = [
    { revision: 4, status: 'superseded' as const },
    { revision: 5, status: 'failed' as const },
    { revision: 6, status: 'superseded' as const },
    { revision: 7, status: 'uninstalled' as const },
    { revision: 8, status: 'deployed' as const },
  ];
  const ctx = { release: 'web', namespace: NS };
  it.each<[number, RegExp | undefined]>([
    [4, undefined],
    [6, undefined],
    [2, /^revision 2 of release "web" was pruned \(helm keeps revisions 4-8, see --history-max\)/],
    [9, /^release "web" has no revision 9 \(newest is 8\)/],
    [5, /^revision 5 cannot be a rollback target: it failed; only a deployed or superseded revision can/],
    [7, /^revision 7 cannot be a rollback target: it was uninstalled/],
    [8, /^revision 8 is the deployed revision of "web": nothing to roll back to/],
    [0, /^revision must be a whole number >= 1/],
  ])('revision %d', (target, expected) => {
    const why = refuseRollbackTarget(history, target, ctx);
    if (expected) {
      expect(why).toMatch(expected);
      expect(why).not.toContain('\n');
    } else expect(why).toBeUndefined();
  });
});

describe('manualRollbackTarget (the default of rollback)', () => {
  it.each<[string, Array<[number, ReleaseStatus]>, Array<[number, 'failed' | 'healthy']>, number | undefined, number | string]>([
    ['skips a failed revision', [[1, 'superseded'], [2, 'failed'], [3, 'deployed']], [], undefined, 1],
    ['skips a revision the ledger recorded failed', [[1, 'superseded'], [2, 'superseded'], [3, 'deployed']], [[2, 'failed']], undefined, 1],
    ['goes back from the deployed revision, not a newer failed one', [[1, 'superseded'], [2, 'deployed'], [3, 'failed']], [], undefined, 1],
    ['skips what a deployed rollback went back to', [[1, 'superseded'], [2, 'superseded'], [3, 'failed'], [4, 'deployed']], [], 2, 1],
    ['none: only failures before', [[1, 'failed'], [2, 'deployed']], [], undefined, 'no revision before 2 has status deployed or superseded (1 failed)'],
  ])('%s', (_name, hist, ledger, rollbackOf, expected) => {
    const t = manualRollbackTarget({
      history: hist.map(([revision, status]) => ({ revision, status })),
      ledger: ledger.map(([revision, verdict]) => ({ revision, verdict, decidedAt: new Date(0) })),
      ...(rollbackOf === undefined ? {} : { deployedRollbackOf: rollbackOf }),
    });
    expect('revision' in t ? t.revision : t.none).toEqual(expected);
  });
});

describe('evaluateGuards', () => {
  it('puts the guards together, never shows a value, and block is the worst severity', () => {
    const target = rel(3, { manifest: deployment('web', 'containers:\n  - name: app\n    image: x\n    envFrom: [{ secretRef: { name: db-password } }]') });
    const current = rel(4, {
      status: 'deployed',
      hooks: [jobHook('db-migrate', ['pre-upgrade'], 'flyway/flyway', ['flyway', 'migrate'])],
      manifest: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: { argocd.argoproj.io/tracking-id: "web:/Service:prod/web" }',
    });
    const findings = evaluateGuards({ target, crossed: [current], ledger: [{ revision: 3, verdict: 'failed', reason: 'OOMKilled', decidedAt: new Date(0) }], migrationPolicy: 'block' });
    expect(findings.map((f) => `${f.guard}:${f.severity}`)).toEqual(['migration:block', 'config-drift:warn', 'gitops:warn', 'ledger:warn']);
    expect(findings[3]?.message).toBe('revision 3 is recorded unhealthy by autorollback (OOMKilled): it may fail the same way');
    expect(worstSeverity(findings)).toBe('block');
    expect(worstSeverity(findings.slice(1))).toBe('warn');
    expect(worstSeverity([])).toBe('info');
  });
});
