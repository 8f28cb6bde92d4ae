// `doctor` end to end: the built CLI against kube-sim, releases made with the real helm 4: one built to trip each
// finding that needs only the cluster (history, probes, resources, rollback traps), one stuck in pending-upgrade,
// one with no good revision at all, and a clean one. (The probe-budget check needs start-up times in the ledger,
// and the record-size check a near-1 MiB chart: both are table-tested in test/domain/doctor.)
import { join } from 'node:path';
import { helmBinary } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, run, waitFor, withSim, writeChart, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const cli = join(repo, 'bin', 'run.js');
const NS = 'doc';

const cleanChart: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: clean\nversion: 0.1.0\n',
  'values.yaml': 'image: nginx:1.27\n',
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: {{ .Release.Name }} }
spec:
  replicas: 2
  selector: { matchLabels: { app: {{ .Release.Name }} } }
  template:
    metadata: { labels: { app: {{ .Release.Name }} } }
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
          readinessProbe: { httpGet: { path: /, port: 80 }, periodSeconds: 1 }
          resources: { requests: { memory: 32Mi }, limits: { memory: 64Mi } }
`,
};

/** Everything a doctor should complain about, one object each. */
const riskyChart: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: risky\nversion: 0.1.0\n',
  'values.yaml': 'image: nginx:1.27\n',
  'templates/api.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-api
  annotations: { argocd.argoproj.io/tracking-id: "risky:apps/Deployment:${NS}/{{ .Release.Name }}-api" }
spec:
  replicas: 1
  strategy: { type: Recreate }
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
          livenessProbe: { httpGet: { path: /, port: 80 } }
          envFrom: [{ configMapRef: { name: shared-settings } }]
`,
  'templates/worker.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: {{ .Release.Name }}-worker }
spec:
  replicas: 2
  selector: { matchLabels: { app: worker } }
  template:
    metadata: { labels: { app: worker } }
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
          resources: { requests: { memory: 32Mi }, limits: { memory: 64Mi } }
`,
  'templates/migrate.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-db-migrate
  annotations: { helm.sh/hook: pre-upgrade, helm.sh/hook-delete-policy: before-hook-creation }
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: migrate, image: "flyway/flyway:10", command: ["flyway", "migrate"] }]
`,
};

let sim: TestSim;
let cleanDir: string;
let riskyDir: string;
const env = () => helmEnv(sim, 4, { HELM_BIN: helmBinary(4), NO_COLOR: '1' });
const doctor = (args: string[]) => run(process.execPath, [cli, 'doctor', ...args], env(), 60_000);
const h = async (args: string[]) => helm(sim, 4, args);

interface Report {
  release: string;
  namespace: string;
  status: string;
  counts: { error: number; warn: number; info: number };
  lastKnownGood: { revision: number; ageMs: number | null } | null;
  checks: Array<{ id: string; status: string }>;
  findings: Array<{ check: string; severity: string; message: string; evidence: string; fix?: string }>;
}

beforeAll(async () => {
  sim = await withSim({ timeScale: 5 });
  cleanDir = writeChart(sim.dir, 'clean', cleanChart);
  riskyDir = writeChart(sim.dir, 'risky', riskyChart);
  sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  sim.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared-settings', namespace: NS }, data: { mode: 'x' } });
  // clean: two healthy revisions.
  expect((await h(['install', 'clean', cleanDir, '-n', NS, '--wait', '--timeout', '60s'])).code).toBe(0);
  expect((await h(['upgrade', 'clean', cleanDir, '-n', NS, '--set', 'image=nginx:1.28', '--wait', '--timeout', '60s'])).code).toBe(0);
  // risky: 1 ok, 2 and 3 failed (helm's --wait runs out on a never-ready image), 4 ok.
  expect((await h(['install', 'risky', riskyDir, '-n', NS, '--wait', '--timeout', '60s'])).code).toBe(0);
  for (const i of [2, 3]) expect((await h(['upgrade', 'risky', riskyDir, '-n', NS, '--set', `image=unready:${i}`, '--wait', '--timeout', '2s'])).code).not.toBe(0);
  expect((await h(['upgrade', 'risky', riskyDir, '-n', NS, '--set', 'image=nginx:1.28'])).code).toBe(0);
  // never-good: its only revision failed.
  expect((await h(['install', 'never-good', cleanDir, '-n', NS, '--set', 'image=unready:1', '--wait', '--timeout', '2s'])).code).not.toBe(0);
  // stuck: helm killed hard mid-upgrade leaves revision 2 pending-upgrade.
  expect((await h(['install', 'stuck', cleanDir, '-n', NS, '--wait', '--timeout', '60s'])).code).toBe(0);
  const killed = run(helmBinary(4), ['upgrade', 'stuck', cleanDir, '-n', NS, '--set', 'image=unready:2', '--wait', '--timeout', '60s'], helmEnv(sim, 4), 4_000);
  await waitFor('stuck revision 2 pending-upgrade', () => {
    const s = sim.store.get('secrets', NS, 'sh.helm.release.v1.stuck.v2') as { metadata?: { labels?: Record<string, string> } } | undefined;
    return s?.metadata?.labels?.status === 'pending-upgrade';
  }, 20_000);
  await killed;
  // Another namespace, for --all-namespaces.
  expect((await h(['install', 'other', cleanDir, '-n', 'elsewhere', '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
}, 180_000);

afterAll(async () => {
  await sim?.stop();
});

describe('helm autorollback doctor', () => {
  let reports: Report[];
  let code: number | null;
  beforeAll(async () => {
    const r = await doctor(['-n', NS, '--history-max', '3', '--json']);
    code = r.code;
    reports = (JSON.parse(r.stdout) as { releases: Report[] }).releases;
  });
  const of = (name: string) => reports.find((r) => r.release === name)!;
  const checks = (name: string) => Object.fromEntries(of(name).checks.map((c) => [c.id, c.status]));

  it('-n NS checks every release in the namespace; an error anywhere exits 8', () => {
    expect(reports.map((r) => r.release)).toEqual(['clean', 'never-good', 'risky', 'stuck']);
    expect(code).toBe(8);
  });

  it('the clean release: no findings but the last known good, every check passes', () => {
    expect(of('clean').status).toBe('pass');
    expect(of('clean').findings.map((f) => [f.check, f.severity])).toEqual([['rollback-target', 'info']]);
    expect(of('clean').lastKnownGood).toMatchObject({ revision: 2 });
    expect(of('clean').lastKnownGood?.ageMs).toBeGreaterThanOrEqual(0);
  });

  it('the risky release trips each cluster-visible check, each finding with evidence and a fix', () => {
    expect(checks('risky')).toEqual({
      'history-size': 'warn',
      'failed-rate': 'warn',
      pending: 'pass',
      'readiness-probe': 'warn',
      'liveness-without-readiness': 'warn',
      'probe-budget': 'skipped',
      memory: 'warn',
      availability: 'warn',
      'migration-hooks': 'warn',
      'config-drift': 'warn',
      gitops: 'warn',
      'rollback-target': 'info',
    });
    for (const f of of('risky').findings.filter((x) => x.severity !== 'info')) {
      expect({ check: f.check, evidence: f.evidence.length > 0, fix: (f.fix ?? '').length > 0 }).toEqual({ check: f.check, evidence: true, fix: true });
    }
    const evidence = (check: string) => of('risky').findings.filter((f) => f.check === check).map((f) => f.evidence).join(' | ');
    expect(evidence('failed-rate')).toBe('2 of 4 stored revisions failed (50%): 2, 3');
    expect(evidence('history-size')).toMatch(/^4 revisions stored, \d+ KiB of release records \(largest: revision \d, \d+ KiB\); --history-max 3$/);
    expect(evidence('readiness-probe')).toBe('no readinessProbe: Deployment/risky-worker/app');
    expect(evidence('liveness-without-readiness')).toBe('livenessProbe but no readinessProbe: Deployment/risky-api/app');
    expect(evidence('memory')).toContain('Deployment/risky-api/app');
    expect(evidence('availability')).toContain('replicas 1: Deployment/risky-api');
    expect(evidence('availability')).toContain('Deployment/risky-api (strategy Recreate)');
    expect(evidence('migration-hooks')).toBe('revision 4: Job/risky-db-migrate on pre-upgrade; no hook on pre-rollback');
    expect(evidence('config-drift')).toContain('ConfigMap/shared-settings');
    expect(of('risky').lastKnownGood).toMatchObject({ revision: 4 });
    expect(of('risky').status).toBe('warn');
  });

  it('a revision stuck in pending-upgrade is an error naming the recovery command', () => {
    const f = of('stuck').findings.find((x) => x.check === 'pending');
    expect(f).toMatchObject({ severity: 'error', fix: expect.stringContaining(`helm autorollback rollback stuck -n ${NS}`) });
    expect(of('stuck').status).toBe('error');
  });

  it('no rollback target at all is an error', () => {
    expect(of('never-good').findings.find((x) => x.check === 'rollback-target')).toMatchObject({ severity: 'error' });
    expect(of('never-good').lastKnownGood).toBeNull();
  });

  it('one release, as text: the checklist with evidence and fixes; warnings only exit 0', async () => {
    const r = await doctor(['risky', '-n', NS, '--history-max', '10']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`doctor: risky (namespace ${NS})`);
    expect(lines).toContain('  WARN  migration hooks have a pre-rollback counterpart');
    expect(lines).toContain('  ok    no revision stuck in pending-*');
    expect(r.stdout).toMatch(/^ {10}evidence: livenessProbe but no readinessProbe: Deployment\/risky-api\/app$/m);
    expect(r.stdout).toMatch(/^ {10}fix: add a readinessProbe/m);
    expect(lines.at(-1)).toMatch(/^ {2}=> 0 errors, \d+ warnings$/);
  });

  it('--all-namespaces finds releases everywhere; bad input is one line and exit 2', async () => {
    const all = await doctor(['--all-namespaces', '--json']);
    const names = (JSON.parse(all.stdout) as { releases: Report[] }).releases.map((x) => `${x.namespace}/${x.release}`);
    expect(names).toEqual(expect.arrayContaining(['elsewhere/other', `${NS}/clean`, `${NS}/risky`]));
    const bad = await doctor(['risky', '--all-namespaces']);
    expect({ code: bad.code, lines: bad.stderr.trim().split('\n').length }).toEqual({ code: 2, lines: 1 });
    const missing = await doctor(['nope', '-n', NS]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('release "nope" not found');
  });
});
