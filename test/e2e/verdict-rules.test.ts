/**
 * End to end, with the real helm 3 and helm 4 on one kube-sim (time scale 5): the verdict rules of issue 10 on
 * real charts. A ResourceQuota the new revision exceeds (FailedCreate), an init container that fails, a custom
 * resource whose operator reports Ready=False, a healthy custom resource, and a slow starter whose learned
 * start-up time must not roll it back (while an unready revision of the same release fails on the learned grace).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { HelmMajor } from '../../src/toolchain/binaries.js';
import { upgradeJson } from './upgrade-json.js';
import { helm, withSim, writeChart, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const probeChart = join(repo, 'test', 'charts', 'probe');

/** A Deployment whose init container's image is a value (the simulator's `fail` image exits 1). */
const initChart = {
  'Chart.yaml': 'apiVersion: v2\nname: initc\nversion: 0.1.0\n',
  'values.yaml': 'initImage: busybox:1\n',
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: {{ .Release.Name }} }
spec:
  replicas: 1
  selector: { matchLabels: { app: {{ .Release.Name }} } }
  template:
    metadata: { labels: { app: {{ .Release.Name }} } }
    spec:
      initContainers: [{ name: migrate, image: {{ .Values.initImage | quote }} }]
      containers: [{ name: app, image: "nginx:1.27" }]
`,
};

/** A custom resource of the simulator's test operator (sim.autorollback.dev) with its CRD in crds/. */
const widgetChart = {
  'Chart.yaml': 'apiVersion: v2\nname: widget\nversion: 0.1.0\n',
  'values.yaml': 'outcome: ready\n',
  'crds/widgets.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.sim.autorollback.dev }
spec:
  group: sim.autorollback.dev
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, listKind: WidgetList }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`,
  'templates/widget.yaml': `apiVersion: sim.autorollback.dev/v1
kind: Widget
metadata: { name: {{ .Release.Name }} }
spec:
  outcome: {{ .Values.outcome }}
  readyAfterSeconds: 2
  reason: BackendUnavailable
  message: no backend answers on port 5432
`,
};

let sim: TestSim;
let charts: string;
beforeAll(async () => {
  if (!existsSync(join(repo, 'dist', 'bundle', 'run.mjs'))) throw new Error('dist/bundle/run.mjs missing: run `npm run build` first');
  sim = await withSim({ timeScale: 5 });
  charts = mkdtempSync(join(sim.dir, 'charts-'));
  writeChart(charts, 'initc', initChart);
  writeChart(charts, 'widget', widgetChart);
});
afterAll(async () => {
  await sim?.stop();
});

const ours = (major: HelmMajor, args: string[]) => upgradeJson(sim, major, args);
const install = async (major: HelmMajor, release: string, chart: string, ns: string, sets: string[] = []) => {
  const r = await helm(sim, major, ['upgrade', '--install', release, chart, '-n', ns, '--create-namespace', '--wait', '--timeout', '60s', ...sets.flatMap((s) => ['--set', s])]);
  expect(r.code).toBe(0);
};
const ledgerEntry = (ns: string, release: string, revision: number): Record<string, unknown> => {
  const cm = sim.store.get('configmaps', ns, `autorollback-${release}`) as { data?: Record<string, string> } | undefined;
  return JSON.parse(cm?.data?.[`revision.${revision}`] ?? '{}') as Record<string, unknown>;
};

describe.each([3, 4] as const)('verdict rules with helm %i on kube-sim', (major) => {
  it('a ResourceQuota the new revision exceeds: FailedCreate with the API server wording, rolled back (exit 3)', async () => {
    const ns = `quota-h${major}`;
    await install(major, 'app', probeChart, ns);
    // 2 pods x 32Mi fit; the surge pod of 64Mi does not.
    sim.store.create('resourcequotas', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: ns }, spec: { hard: { 'requests.memory': '100Mi' } } });
    const r = await ours(major, ['app', probeChart, '-n', ns, '--set', 'memory=64Mi']);
    expect(r.report).toMatchObject({
      outcome: 'rolled-back',
      failure: { reason: 'FailedCreate', object: 'Deployment/app', message: expect.stringMatching(/is forbidden: exceeded quota: compute, requested: requests\.memory=64Mi, used: requests\.memory=64Mi, limited: requests\.memory=100Mi/) },
      rollback: { toRevision: 1 },
    });
    expect(r.code).toBe(3);
  });

  it('an init container that keeps failing: InitCrashLoopBackOff / InitContainerFailed, rolled back (exit 3)', async () => {
    const ns = `init-h${major}`;
    await install(major, 'app', join(charts, 'initc'), ns);
    const r = await ours(major, ['app', join(charts, 'initc'), '-n', ns, '--set', 'initImage=fail:1']);
    expect(['InitCrashLoopBackOff', 'InitContainerFailed']).toContain(r.report.failure?.reason);
    expect(r.report).toMatchObject({ outcome: 'rolled-back', failure: { container: 'migrate', object: expect.stringMatching(/^Pod\/app-/) } });
    expect(r.code).toBe(3);
  });

  it('custom resources: a healthy one upgrades (exit 0); one whose operator reports Ready=False is rolled back (exit 3)', async () => {
    const ns = `cr-h${major}`;
    const chart = join(charts, 'widget');
    await install(major, 'w', chart, ns);
    const healthy = await ours(major, ['w', chart, '-n', ns, '--set', 'outcome=ready', '--set', 'x=1']);
    expect(healthy.report.outcome).toBe('healthy');
    expect(healthy.code).toBe(0);
    expect(healthy.stderr).toMatch(/Widget\/w: ready \(Ready\)/);

    const bad = await ours(major, ['w', chart, '-n', ns, '--set', 'outcome=not-ready', '--unready-grace', '3s']);
    expect(bad.report).toMatchObject({
      outcome: 'rolled-back',
      failure: { reason: 'ResourceNotReady', object: 'Widget/w', message: 'Widget w reports Ready=False: BackendUnavailable (no backend answers on port 5432)' },
    });
    expect(bad.stderr).toMatch(/Widget\/w: not ready \(Ready=False: BackendUnavailable\)/);
    expect(bad.code).toBe(3);
    const live = sim.store.get('widgets.sim.autorollback.dev', ns, 'w') as unknown as { spec: { outcome: string } };
    expect(live.spec.outcome).toBe('ready');
  });

  it('a slow starter with that history upgrades healthy; an unready revision of it fails on the learned grace, not 120 s', async () => {
    const ns = `slow-h${major}`;
    // slow-start-60s: ready 60 s (simulated) after start, 12 s real at time scale 5. Installed through the plugin
    // so the ledger records its start-up time.
    const first = await ours(major, ['app', probeChart, '-n', ns, '--create-namespace', '--set', 'image=slow-start-60s:1', '--set', 'replicas=1', '--timeout', '90s']);
    expect(first.report.outcome).toBe('healthy');
    const learned = (ledgerEntry(ns, 'app', 1).startup as Record<string, number[]>)?.[`Deployment/${ns}/app`]?.[0] ?? 0;
    expect(learned).toBeGreaterThanOrEqual(10_000);

    const again = await ours(major, ['app', probeChart, '-n', ns, '--set', 'image=slow-start-60s:2', '--set', 'replicas=1', '--timeout', '90s']);
    expect(again.stderr).toMatch(/learned start-up times from the ledger: Deployment\/app \d+(\.\d)?s/);
    expect(again.report.outcome).toBe('healthy');
    expect(again.code).toBe(0);

    const unready = await ours(major, ['app', probeChart, '-n', ns, '--set', 'image=unready:1', '--set', 'replicas=1', '--timeout', '90s']);
    expect(unready.report).toMatchObject({ outcome: 'rolled-back', failure: { reason: 'Unready', message: expect.stringContaining('learned grace') } });
    expect(unready.code).toBe(3);
  });
});
