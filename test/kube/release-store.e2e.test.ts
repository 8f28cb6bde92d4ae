import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { openReleaseStore } from '../../src/kube/open-release-store.js';
import { ReleaseNotFoundError, RevisionNotFoundError } from '../../src/ports/release-store.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';

// End to end: the REAL helm 3.17.3 and 4.1.4 write release records into the in-process Kubernetes simulator
// (src/sim) with each storage driver; our stores then read them back through client-node.

function writeChart(dir: string, version: string, greeting: string): string {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: greeter\nversion: ${version}\nappVersion: "${version}-app"\n`);
  writeFileSync(join(dir, 'values.yaml'), `greeting: ${greeting}\n`);
  writeFileSync(
    join(dir, 'templates', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-greeting\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  );
  return dir;
}

function helm(major: HelmMajor, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(helmBinary(major), args, { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`helm ${major} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

describe.each([3, 4] as const)('records written by the real helm %i', (major) => {
  let sim: RunningSim;
  let work: string;
  beforeAll(async () => {
    sim = await startSim({ workloads: false }); // ConfigMap-only charts need no controllers
    work = mkdtempSync(join(tmpdir(), `rs-e2e-h${major}-`));
  });
  afterAll(async () => {
    await sim?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each(['secret', 'configmap'] as const)('HELM_DRIVER=%s: install + upgrade, then history and both revisions decode', async (driver) => {
    const release = `greeter-${driver}`;
    const env = {
      KUBECONFIG: sim.kubeconfigPath,
      HELM_DRIVER: driver,
      HOME: work,
      KUBECACHEDIR: join(work, `kubecache-${driver}`),
      HELM_CACHE_HOME: join(work, 'cache'),
      HELM_CONFIG_HOME: join(work, 'config'),
      HELM_DATA_HOME: join(work, 'data'),
    };
    const v1 = writeChart(join(work, `${driver}-v1`), '0.1.0', 'hello');
    const v2 = writeChart(join(work, `${driver}-v2`), '0.2.0', 'bonjour');
    await helm(major, ['install', release, v1, '-n', 'default'], env);
    await helm(major, ['upgrade', release, v2, '-n', 'default', '--set', 'greeting=hallo'], env);

    const { store } = openReleaseStore({ kubeconfig: sim.kubeconfigPath, driver, namespace: 'default', env: {} });
    const history = await store.listHistory(release, 'default');
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
    expect(history[1].recordName).toBe(`sh.helm.release.v1.${release}.v2`);

    const first = await store.getRevision(release, 'default', 1);
    expect(first).toMatchObject({
      name: release,
      namespace: 'default',
      revision: 1,
      status: 'superseded',
      chart: { name: 'greeter', version: '0.1.0', appVersion: '0.1.0-app' },
      description: 'Install complete',
      values: {},
    });
    expect(first.manifest).toContain(`name: ${release}-greeting`);
    expect(first.manifest).toContain('greeting: "hello"');

    const second = await store.getRevision(release, 'default', 2);
    expect(second).toMatchObject({
      revision: 2,
      status: 'deployed',
      chart: { name: 'greeter', version: '0.2.0', appVersion: '0.2.0-app' },
      description: 'Upgrade complete',
      values: { greeting: 'hallo' },
      chartValues: { greeting: 'bonjour' },
    });
    expect(second.manifest).toContain('kind: ConfigMap');
    expect(second.manifest).toContain('greeting: "hallo"');
    expect(second.lastDeployed!.getTime()).toBeGreaterThanOrEqual(first.firstDeployed!.getTime());

    // Same view as helm's own history.
    const helmHistory = JSON.parse(await helm(major, ['history', release, '-n', 'default', '-o', 'json'], env)) as Array<{
      revision: number;
      status: string;
      chart: string;
    }>;
    expect(helmHistory.map((h) => [h.revision, h.status, h.chart])).toEqual([
      [1, 'superseded', 'greeter-0.1.0'],
      [2, 'deployed', 'greeter-0.2.0'],
    ]);

    await expect(store.getRevision(release, 'default', 3)).rejects.toThrow(RevisionNotFoundError);
    // The other driver holds nothing of this release.
    const other = openReleaseStore({ kubeconfig: sim.kubeconfigPath, driver: driver === 'secret' ? 'configmap' : 'secret', namespace: 'default', env: {} });
    await expect(other.store.listHistory(release, 'default')).rejects.toThrow(ReleaseNotFoundError);
  });
});
