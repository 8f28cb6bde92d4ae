import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';

// `diff` against releases the real helm 3 and helm 4 made on one simulator (ConfigMaps and Secrets only: no
// controllers needed). Each helm gets its own release.
const runJs = join(process.cwd(), 'bin', 'run.js');
let sim: RunningSim;
let work: string;
let chart: string;
beforeAll(async () => {
  sim = await startSim({ workloads: false });
  work = mkdtempSync(join(tmpdir(), 'diff-e2e-'));
  chart = join(work, 'chart');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: shop\nversion: 1.0.0\nappVersion: "1.0"\n');
  writeFileSync(join(chart, 'values.yaml'), 'mode: a\ndb:\n  password: ""\n');
  writeFileSync(
    join(chart, 'templates', 'objects.yaml'),
    [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  mode: {{ .Values.mode | quote }}',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-db\ndata:\n  password: {{ .Values.db.password | b64enc | quote }}',
      '{{- if eq .Values.mode "c" }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\ndata: {}\n{{- end }}',
    ].join('\n---\n'),
  );
}, 120_000);
afterAll(async () => {
  await sim?.stop();
  rmSync(work, { recursive: true, force: true });
});

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { PATH: process.env.PATH ?? '', HOME: work, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe.each([3, 4] as const)('diff on releases made by the real helm %i', (major) => {
  const release = `shop${major}`;
  const env = () => ({ KUBECONFIG: sim.kubeconfigPath, KUBECACHEDIR: join(work, `kc${major}`) });
  const helm = async (...args: string[]) => {
    const r = await run(helmBinary(major as HelmMajor), [...args, '-n', 'default'], env());
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
  };
  const ours = (...args: string[]) => run(process.execPath, [runJs, ...args, '-n', 'default'], env());

  beforeAll(async () => {
    await helm('upgrade', '--install', release, chart, '--set', 'db.password=hunter2-one'); // 1
    await helm('upgrade', release, chart, '--set', 'mode=b', '--set', 'db.password=hunter2-two'); // 2
    await helm('upgrade', release, chart, '--set', 'mode=c', '--set', 'db.password=hunter2-two'); // 3, deployed
  }, 120_000);

  it('default: the deployed revision against the last known good, secrets masked, exit 7', async () => {
    const r = await ours('diff', release, '-o', 'json');
    expect(r.code).toBe(7);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ from: { revision: 3 }, to: { revision: 2 }, changed: true, unchangedObjects: 1 });
    expect(json.values).toEqual([{ path: 'mode', old: 'c', new: 'b' }]);
    expect(json.objects.map((o: { kind: string; name: string; change: string }) => `${o.kind}/${o.name} ${o.change}`)).toEqual([
      `ConfigMap/${release}-cfg changed`,
      `ConfigMap/${release}-extra removed`,
    ]);
    expect(json.objects[0].fields).toEqual([{ path: 'data.mode', old: 'c', new: 'b' }]);
  });

  it('two revisions as unified text: per-object headers, secret shown only by size', async () => {
    const r = await ours('diff', release, '1', '3');
    expect(r.code).toBe(7);
    expect(r.stdout).toContain(`=== Secret default/${release}-db (changed)`);
    expect(r.stdout).toContain('-  password: <secret (11 bytes), before>');
    expect(r.stdout).toContain(`=== ConfigMap default/${release}-extra (added)`);
    expect(r.stdout).toMatch(/^-\s+mode: "?a"?$/m);
    expect(r.stdout).toMatch(/^\+\s+mode: "?c"?$/m);
    for (const secret of ['hunter2', Buffer.from('hunter2-one').toString('base64'), Buffer.from('hunter2-two').toString('base64')]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
    const shown = await ours('diff', release, '1', '2', '--show-secrets', '-o', 'json');
    expect(JSON.parse(shown.stdout).values).toContainEqual({ path: 'db.password', old: 'hunter2-one', new: 'hunter2-two' });
  });

  it('no differences: exit 0, empty stdout; a missing revision: exit 2, one line', async () => {
    const same = await ours('diff', release, '2', '2');
    expect(same).toMatchObject({ code: 0, stdout: '' });
    expect(same.stderr.trim()).toBe('revisions 2 and 2 do not differ (2 objects, values)');
    const missing = await ours('diff', release, '9');
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^Error: release "${release}" has no revision 9 in namespace "default"`))]);
  });
});
