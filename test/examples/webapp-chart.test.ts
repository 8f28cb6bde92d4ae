// The example chart renders and lints with the real helm 3 and 4, and has what the demo relies on.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';

const chart = join(process.cwd(), 'examples', 'webapp');

type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: any };

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'chart-test-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

function helm(major: HelmMajor, args: string[]) {
  return spawnSync(helmBinary(major), args, {
    encoding: 'utf8',
    env: { ...process.env, HELM_DATA_HOME: join(home, 'data'), HELM_CONFIG_HOME: join(home, 'config'), HELM_CACHE_HOME: join(home, 'cache') },
  });
}

function render(major: HelmMajor, ...set: string[]): Obj[] {
  const r = helm(major, ['template', 'web', chart, ...set.flatMap((s) => ['--set', s])]);
  if (r.status !== 0) throw new Error(r.stderr);
  return (loadAll(r.stdout) as Obj[]).filter(Boolean);
}

const byKind = (objs: Obj[], kind: string): Obj => {
  const found = objs.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} rendered`);
  return found;
};

describe.each([3, 4] as HelmMajor[])('examples/webapp with helm %i', (major) => {
  it('passes helm lint --strict', () => {
    const r = helm(major, ['lint', '--strict', chart]);
    expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it('renders a Deployment with probes, resources and envFrom the ConfigMap, a Service and a ConfigMap', () => {
    const objs = render(major);
    expect(objs.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Job', 'Service']);
    const deploy = byKind(objs, 'Deployment');
    expect(deploy.spec.replicas).toBe(2);
    const web = deploy.spec.template.spec.containers[0];
    expect(web.image).toBe('nginx:1.27');
    expect(web.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(web.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(web.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } });
    expect(web.envFrom).toEqual([{ configMapRef: { name: byKind(objs, 'ConfigMap').metadata.name } }]);
    expect(byKind(objs, 'Service').spec.selector).toEqual(deploy.spec.selector.matchLabels);
  });

  it('has a pre-upgrade migration Job hook that neither the Service nor the Deployment selects', () => {
    const objs = render(major);
    const job = byKind(objs, 'Job');
    expect(job.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const podLabels = job.spec.template.metadata.labels as Record<string, string>;
    const selector = byKind(objs, 'Deployment').spec.selector.matchLabels as Record<string, string>;
    expect(Object.entries(selector).every(([k, v]) => podLabels[k] === v)).toBe(false);
  });

  it('takes the image behaviours of the simulator from values', () => {
    const objs = render(major, 'image.tag=crashloop', 'migration.image.tag=fail');
    expect(byKind(objs, 'Deployment').spec.template.spec.containers[0].image).toBe('nginx:crashloop');
    expect(byKind(objs, 'Job').spec.template.spec.containers[0].image).toBe('busybox:fail');
    expect(render(major, 'migration.enabled=false').map((o) => o.kind)).not.toContain('Job');
  });
});
