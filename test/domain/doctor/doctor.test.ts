import { humanAge, probeBudgetSeconds, runDoctor, type DoctorInput } from '../../../src/domain/doctor/index.js';
import type { Hook, Release, ReleaseStatus, RevisionSummary } from '../../../src/domain/release/release.js';

const NS = 'prod';
const NOW = new Date('2026-12-06T12:00:00Z');

/** A Deployment with one container; every field that trips a check is a parameter. */
function deployment(o: { name?: string; replicas?: number; readiness?: boolean; liveness?: string; startup?: string; memory?: boolean; strategy?: string; envFromConfigMap?: string; annotations?: string } = {}): string {
  const name = o.name ?? 'web';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}${o.annotations ? `\n  annotations: ${o.annotations}` : ''}
spec:
  replicas: ${o.replicas ?? 2}
${o.strategy ? `  strategy: ${o.strategy}\n` : ''}  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: nginx:1.27
${o.readiness === false ? '' : '          readinessProbe: { httpGet: { path: /, port: 80 } }\n'}${o.liveness ? `          livenessProbe: ${o.liveness}\n` : ''}${o.startup ? `          startupProbe: ${o.startup}\n` : ''}${o.memory === false ? '' : '          resources: { requests: { memory: 64Mi }, limits: { memory: 128Mi } }\n'}${o.envFromConfigMap ? `          envFrom: [{ configMapRef: { name: ${o.envFromConfigMap} } }]\n` : ''}`;
}

function migrationHook(): Hook {
  return {
    name: 'db-migrate',
    kind: 'Job',
    path: 'app/templates/migrate.yaml',
    manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: db-migrate\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          image: flyway/flyway:10\n',
    events: ['pre-upgrade'],
    lastRun: { phase: 'Succeeded' },
    weight: 0,
    deletePolicies: [],
  };
}

function rel(revision: number, manifest: string, o: { status?: ReleaseStatus; hooks?: Hook[] } = {}): Release {
  return {
    name: 'web',
    namespace: NS,
    revision,
    status: o.status ?? 'deployed',
    chart: { name: 'web', version: '1.0.0', appVersion: '1' },
    description: 'Upgrade complete',
    values: {},
    manifest,
    hooks: o.hooks ?? [],
    labels: {},
    lastDeployed: new Date(NOW.getTime() - 3 * 3600_000),
  };
}

function summaries(statuses: ReleaseStatus[]): RevisionSummary[] {
  return statuses.map((status, i) => ({ recordName: `sh.helm.release.v1.web.v${i + 1}`, release: 'web', revision: i + 1, status }));
}

/** A clean release: two revisions, the newest deployed, everything set. */
function clean(over: Partial<DoctorInput> = {}, manifest = deployment()): DoctorInput {
  return {
    release: 'web',
    namespace: NS,
    now: NOW,
    history: summaries(['superseded', 'deployed']),
    recordBytes: [{ revision: 1, bytes: 4000 }, { revision: 2, bytes: 4100 }],
    historyMax: 10,
    decoded: [rel(2, manifest)],
    ledger: [],
    ...over,
  };
}

describe('runDoctor', () => {
  it('a clean release: every check passes (probe budget skipped without start-up data), status pass, target revision 2', () => {
    const r = runDoctor(clean());
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.status).toBe('pass');
    expect(r.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([['probe-budget', 'skipped'], ['rollback-target', 'info']]);
    expect(r.lastKnownGood).toEqual({ revision: 2, deployedAt: '2026-12-06T09:00:00.000Z', ageMs: 3 * 3600_000, ledger: null });
    expect(r.findings.find((f) => f.check === 'rollback-target')?.message).toBe('a failed upgrade rolls back to revision 2 (deployed 3h0m ago)');
  });

  it.each<[string, Partial<DoctorInput>, string | undefined, string, 'error' | 'warn']>([
    ['unlimited history', { historyMax: 0 }, undefined, 'history-size', 'warn'],
    ['more revisions than --history-max', { historyMax: 1, history: summaries(['superseded', 'deployed']) }, undefined, 'history-size', 'warn'],
    ['--history-max 2 keeps too few', { historyMax: 2 }, undefined, 'history-size', 'warn'],
    ['a record close to 1 MiB', { recordBytes: [{ revision: 2, bytes: 900 * 1024 }] }, undefined, 'history-size', 'warn'],
    ['failed-revision rate', { history: summaries(['superseded', 'failed', 'failed', 'superseded', 'deployed']) }, undefined, 'failed-rate', 'warn'],
    ['pending-upgrade', { history: summaries(['deployed', 'pending-upgrade']) }, undefined, 'pending', 'error'],
    ['no readiness probe', {}, deployment({ readiness: false }), 'readiness-probe', 'warn'],
    ['liveness without readiness', {}, deployment({ readiness: false, liveness: '{ httpGet: { path: /, port: 80 } }' }), 'liveness-without-readiness', 'warn'],
    ['liveness budget shorter than the observed start-up', { observedStartupMs: { 'Deployment/web': 45_000 } }, deployment({ liveness: '{ httpGet: { path: /, port: 80 }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 }' }), 'probe-budget', 'error'],
    ['no memory request/limit', {}, deployment({ memory: false }), 'memory', 'warn'],
    ['one replica', {}, deployment({ replicas: 1 }), 'availability', 'warn'],
    ['Recreate', {}, deployment({ strategy: '{ type: Recreate }' }), 'availability', 'warn'],
    ['maxUnavailable 100%', {}, deployment({ strategy: '{ rollingUpdate: { maxUnavailable: "100%" } }' }), 'availability', 'warn'],
    ['config the release does not manage', {}, deployment({ envFromConfigMap: 'shared-settings' }), 'config-drift', 'warn'],
    ['an Argo CD owner', {}, deployment({ annotations: '{ argocd.argoproj.io/tracking-id: "web:apps/Deployment:prod/web" }' }), 'gitops', 'warn'],
    ['no rollback target at all', { history: summaries(['failed']), decoded: [rel(1, deployment(), { status: 'failed' })] }, undefined, 'rollback-target', 'error'],
  ])('%s -> %s finding of check %s', (_name, over, manifest, check, severity) => {
    const r = runDoctor(clean(over, manifest));
    const mine = r.findings.filter((f) => f.check === check && f.severity !== 'info');
    expect(mine.map((f) => f.severity)).toContain(severity);
    for (const f of mine) {
      expect(f.message).not.toBe('');
      expect(f.evidence).not.toBe('');
      expect(f.fix ?? '').not.toBe('');
    }
    expect(r.checks.find((c) => c.id === check)?.status).toBe(severity);
    expect(r.status).toBe(severity === 'error' ? 'error' : r.counts.error > 0 ? 'error' : 'warn');
  });

  it('a migration hook without a pre-rollback hook is a trap; a pre-rollback hook clears it', () => {
    const withMigration = runDoctor(clean({ decoded: [rel(2, deployment(), { hooks: [migrationHook()] })] }));
    expect(withMigration.findings.find((f) => f.check === 'migration-hooks')).toMatchObject({ severity: 'warn', objects: ['Job/db-migrate'] });
    const down: Hook = { ...migrationHook(), name: 'db-migrate-down', events: ['pre-rollback'] };
    const covered = runDoctor(clean({ decoded: [rel(2, deployment(), { hooks: [migrationHook(), down] })] }));
    expect(covered.findings.filter((f) => f.check === 'migration-hooks')).toEqual([]);
  });

  it('the liveness budget is judged against a startup probe when there is one', () => {
    const liveness = '{ httpGet: { path: /, port: 80 }, periodSeconds: 10, failureThreshold: 3 }';
    const slow = { observedStartupMs: { 'Deployment/web': 45_000 } };
    expect(runDoctor(clean(slow, deployment({ liveness, startup: '{ httpGet: { path: /, port: 80 }, periodSeconds: 10, failureThreshold: 30 }' }))).findings.filter((f) => f.check === 'probe-budget')).toEqual([]);
    expect(runDoctor(clean({ observedStartupMs: { 'Deployment/web': 20_000 } }, deployment({ liveness }))).findings.filter((f) => f.check === 'probe-budget')).toEqual([]);
  });

  it('the last known good skips failed revisions and ones the ledger records unhealthy', () => {
    const r = runDoctor(clean({
      history: summaries(['superseded', 'superseded', 'failed', 'deployed']),
      decoded: [rel(4, deployment())],
      ledger: [{ revision: 4, verdict: 'failed', reason: 'CrashLoopBackOff', decidedAt: NOW }],
    }));
    expect(r.lastKnownGood?.revision).toBe(2);
    expect(r.findings.find((f) => f.check === 'rollback-target')?.evidence).toMatch(/^revision 2: status superseded, ledger has no verdict/);
  });
});

describe('helpers', () => {
  it.each([
    [{}, 30],
    [{ initialDelaySeconds: 5, periodSeconds: 2, failureThreshold: 5 }, 15],
  ])('probeBudgetSeconds(%j) = %i', (probe, seconds) => expect(probeBudgetSeconds(probe)).toBe(seconds));

  it.each([
    [30_000, '30s'],
    [42 * 60_000, '42m'],
    [(5 * 60 + 12) * 60_000, '5h12m'],
    [(3 * 24 + 4) * 3600_000, '3d4h'],
  ])('humanAge(%i) = %s', (ms, text) => expect(humanAge(ms)).toBe(text));
});
