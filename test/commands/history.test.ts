import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { releaseRecord, startFakeApi, writeKubeconfig, type FakeApi } from '../kube/fake-api.js';

// Runs the built CLI (npm test builds first) asynchronously, so the fake API in this process can answer.
const runJs = join(process.cwd(), 'bin', 'run.js');
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { PATH: process.env.PATH ?? '', HOME: '/nonexistent-home' };
  return new Promise((resolve) => {
    execFile(process.execPath, [runJs, ...args], { env: { ...base, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const oneLine = (stderr: string) => stderr.trimEnd().split('\n');

let api: FakeApi;
beforeEach(async () => {
  api = await startFakeApi();
});
afterEach(async () => {
  await api.close();
});

describe('helm-autorollback history', () => {
  it('prints the revisions of a release as a table and as JSON, reading only', async () => {
    api.objects.set('team/configmaps', [
      releaseRecord('configmap', 'web', 1, 'superseded'),
      releaseRecord('configmap', 'web', 2, 'deployed'),
    ]);
    const env = { KUBECONFIG: api.kubeconfigPath, HELM_DRIVER: 'configmap' };
    const table = await run(['history', 'web', '-n', 'team'], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^REVISION\s+UPDATED\s+STATUS\s+VERDICT\s+CHART\s+APP VERSION\s+DESCRIPTION$/);
    expect(table.stdout).toMatch(/^1\s+2026-11-01 10:01:00 UTC\s+superseded\s+-\s+demo-1\.0\.1\s+2\.0\s+rev 1$/m);
    expect(table.stdout).toMatch(/^2\s+.*\s+deployed\s+-\s+demo-1\.0\.2\s/m);

    const json = await run(['history', 'web', '--json', '--max', '1'], { ...env, HELM_NAMESPACE: 'team' });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      release: 'web',
      namespace: 'team',
      driver: 'configmap',
      totalRevisions: 2,
      rows: [{ revision: 2, status: 'deployed', chart: 'demo-1.0.2', appVersion: '2.0' }],
    });
    expect(api.requests.every((r) => r.startsWith('GET '))).toBe(true);
  });

  it('a release that does not exist: exit 2, one line', async () => {
    const r = await run(['history', 'ghost', '-n', 'team'], { KUBECONFIG: api.kubeconfigPath });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([
      'Error: release "ghost" not found in namespace "team" (HELM_DRIVER=secret) (check the release name, -n/--namespace, --kube-context and HELM_DRIVER)',
    ]);
  });

  it.each([
    ['uppercase', 'MyApp'],
    ['underscore', 'my_app'],
    ['too long', 'a'.repeat(54)],
    ['leading dash', '-x'],
  ])('an invalid release name (%s): exit 2, one line, no request to the cluster', async (_what, name) => {
    const r = await run(['history', '--', name], { KUBECONFIG: api.kubeconfigPath });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: invalid release name "/);
    expect(r.stdout).toBe('');
    expect(api.requests).toEqual([]);
  });

  it('a missing kubeconfig: exit 2, one line naming the path', async () => {
    const viaFlag = await run(['history', 'web', '--kubeconfig', '/no/such/kubeconfig']);
    expect(viaFlag.code).toBe(2);
    expect(oneLine(viaFlag.stderr)).toEqual(['Error: kubeconfig "/no/such/kubeconfig" does not exist (from --kubeconfig) (pass an existing file to --kubeconfig, or leave the flag out to use $KUBECONFIG or ~/.kube/config)']);
    const viaEnv = await run(['history', 'web'], { KUBECONFIG: '/no/such/a:/no/such/b' });
    expect(viaEnv.code).toBe(2);
    expect(oneLine(viaEnv.stderr)).toEqual([
      'Error: no kubeconfig found: "/no/such/a", "/no/such/b" do not exist (from KUBECONFIG) (pass --kubeconfig or set KUBECONFIG)',
    ]);
  });

  it('an unreachable API (kubeconfig pointing at a closed port): exit 5, one line', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const r = await run(['history', 'web'], { KUBECONFIG: writeKubeconfig(`http://127.0.0.1:${port}`) });
    expect(r.code).toBe(5);
    expect(oneLine(r.stderr)).toEqual([`Error: cannot reach the Kubernetes API at http://127.0.0.1:${port} to list secrets in namespace "default": connection refused (check that the cluster is up and the server URL of the kubeconfig context; kubectl cluster-info tries it)`]);
  });

  it('an unsupported driver: exit 2 before loading any kubeconfig', async () => {
    const r = await run(['history', 'web', '--driver', 'sql']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([
      'Error: HELM_DRIVER=sql is not supported: helm-autorollback reads releases from Secrets or ConfigMaps (use --driver secret or --driver configmap)',
    ]);
  });

  it('403 on the records: exit 5, one line', async () => {
    api.failWith = { code: 403, reason: 'Forbidden', message: 'secrets is forbidden: User "dev" cannot list resource "secrets"' };
    const r = await run(['history', 'web', '-n', 'team'], { KUBECONFIG: api.kubeconfigPath });
    expect(r.code).toBe(5);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: forbidden: not allowed to list secrets in namespace "team" \(403\)/);
  });
});

describe.each([3, 4] as const)('history of releases made by the real helm %i on the simulator', (major) => {
  let sim: RunningSim;
  let work: string;
  beforeAll(async () => {
    sim = await startSim({ workloads: false }); // a ConfigMap-only chart needs no controllers
    work = mkdtempSync(join(tmpdir(), `history-cli-h${major}-`));
  });
  afterAll(async () => {
    await sim?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const helm = (args: string[], env: Record<string, string>) =>
    new Promise<string>((resolve, reject) => {
      execFile(helmBinary(major as HelmMajor), args, { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) =>
        err ? reject(new Error(`helm ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
      );
    });

  it.each(['secret', 'configmap'])('HELM_DRIVER=%s: same revisions, statuses and charts as helm history', async (driver) => {
    const chart = join(work, `chart-${driver}`);
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  v: {{ .Chart.Version | quote }}\n');
    const env = { KUBECONFIG: sim.kubeconfigPath, HELM_DRIVER: driver, HOME: work, KUBECACHEDIR: join(work, `kc-${driver}`) };
    for (const version of ['0.1.0', '0.2.0', '0.3.0']) {
      writeFileSync(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: app\nversion: ${version}\nappVersion: "9.9"\n`);
      await helm(['upgrade', '--install', 'app', chart, '-n', 'default'], env);
    }
    const theirs = JSON.parse(await helm(['history', 'app', '-n', 'default', '-o', 'json'], env)) as Array<Record<string, unknown>>;

    const ours = await run(['history', 'app', '--json', '--max', '2'], env);
    expect(ours.code).toBe(0);
    const report = JSON.parse(ours.stdout) as { totalRevisions: number; rows: Array<Record<string, unknown>> };
    expect(report.totalRevisions).toBe(3);
    expect(report.rows.map((r) => [r.revision, r.status, r.chart, r.appVersion, r.description])).toEqual(
      theirs.slice(-2).map((h) => [h.revision, h.status, h.chart, h.app_version, h.description]),
    );
    expect(report.rows.map((r) => r.status)).toEqual(['superseded', 'deployed']);

    const table = await run(['history', 'app', '-n', 'default'], env);
    expect(table.stdout).toMatch(/^3\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+deployed\s+-\s+app-0\.3\.0\s+9\.9\s+Upgrade complete$/m);

    // A rollback to 1 (not N-1): the row says which revision it went back to; -o json/yaml carry the same report.
    await helm(['rollback', 'app', '1', '-n', 'default'], env);
    const asJson = await run(['history', 'app', '-o', 'json'], env);
    const after = JSON.parse(asJson.stdout) as { deployedRevision: number; lastKnownGood: number; rows: Array<Record<string, unknown>> };
    expect(after.rows.at(-1)).toMatchObject({ revision: 4, status: 'deployed', description: 'Rollback to 1', rollbackTo: 1 });
    // Revision 1 holds what runs now, so the last known good is 3.
    expect(after).toMatchObject({ deployedRevision: 4, lastKnownGood: 3 });
    const asYaml = await run(['history', 'app', '-o', 'yaml'], env);
    expect(loadYaml(asYaml.stdout)).toEqual(after);
  });
});
