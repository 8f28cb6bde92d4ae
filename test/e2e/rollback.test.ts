/**
 * `rollback`, `status` and the guards end to end: the CLI from the built bundle against kube-sim with the REAL
 * helm 3 and helm 4 (one simulator for the file, one namespace per case and major, time scale 5).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RollbackReport } from '../../src/domain/rollback/manual-report.js';
import type { UpgradeReport } from '../../src/domain/upgrade/report.js';
import type { StatusReport } from '../../src/services/status.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, kubectl, run, withSim, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const cli = join(repo, 'bin', 'run.js');
const probe = join(repo, 'test', 'charts', 'probe');
const guarded = join(repo, 'test', 'charts', 'guarded');

let sim: TestSim;
beforeAll(async () => {
  if (!existsSync(join(repo, 'dist', 'bundle', 'run.mjs'))) throw new Error('dist/bundle/run.mjs missing: run `npm run build` first');
  sim = await withSim({ timeScale: 5 });
});
afterAll(async () => {
  await sim?.stop();
});

describe.each<HelmMajor>([3, 4])('rollback, status and the guards with helm %i on kube-sim', (major) => {
  const env = () => helmEnv(sim, major, { HELM_BIN: helmBinary(major), CI: '1', NO_COLOR: '1' });
  const cmd = async <T>(args: string[]) => {
    const r = await run(process.execPath, [cli, ...args], env(), 120_000);
    let json: T | undefined;
    if (args.includes('--json') && r.stdout.trim()) json = JSON.parse(r.stdout) as T;
    return { ...r, json };
  };
  const h = async (args: string[]) => {
    const r = await helm(sim, major, args);
    if (r.code !== 0) throw new Error(`helm ${args.join(' ')} failed: ${r.stderr}`);
    return r;
  };
  const history = async (release: string, ns: string) =>
    (JSON.parse((await h(['history', release, '-n', ns, '-o', 'json'])).stdout) as Array<{ revision: number; status: string; description: string }>)
      .map((x) => `${x.revision} ${x.status} ${x.description}`);
  /** Every object of the namespace with its resourceVersion: any change shows. */
  const objects = async (ns: string) => {
    const r = await kubectl(sim, ['get', 'deployments,replicasets,pods,configmaps,secrets,services,jobs', '-n', ns, '-o', 'json']);
    const items = (JSON.parse(r.stdout) as { items: Array<{ kind: string; metadata: { name: string; resourceVersion: string } }> }).items;
    return items.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
  };
  const ns = (name: string) => `${name}-h${major}`;

  it('rollback goes to the last known good revision, skipping a failed one; an explicit target; refusals are one line', async () => {
    const n = ns('rb-default');
    const base = ['app', probe, '-n', n];
    await h(['upgrade', '--install', ...base, '--create-namespace', '--wait', '--timeout', '60s']);
    // Revision 2 fails in its pre-upgrade hook (the hook image exits 1).
    expect((await helm(sim, major, ['upgrade', ...base, '--set', 'hook.enabled=true', '--set', 'hook.image=fail:1', '--wait', '--timeout', '60s'])).code).not.toBe(0);
    await h(['upgrade', ...base, '--set', 'image=nginx:1.28', '--wait', '--timeout', '60s']);
    // `helm rollback app` would go to revision 2, the failed one.
    const r = await cmd<RollbackReport>(['rollback', 'app', '-n', n, '--yes', '--json', '--timeout', '60s']);
    expect({ code: r.code, outcome: r.json?.outcome, to: r.json?.toRevision, created: r.json?.newRevision }).toEqual({ code: 0, outcome: 'healthy', to: 1, created: 4 });
    expect(r.stderr).toMatch(/rolling back app in namespace .* from revision 3 to revision 1/);
    expect(await history('app', n)).toEqual(['1 superseded Install complete', expect.stringMatching(/^2 failed /), '3 superseded Upgrade complete', '4 deployed Rollback to 1']);
    const explicit = await cmd<RollbackReport>(['rollback', 'app', '3', '-n', n, '--yes', '--json', '--timeout', '60s']);
    expect({ code: explicit.code, outcome: explicit.json?.outcome, to: explicit.json?.toRevision }).toEqual({ code: 0, outcome: 'healthy', to: 3 });
    expect((await history('app', n)).at(-1)).toBe('5 deployed Rollback to 3');
    for (const [rev, why] of [['2', /revision 2 cannot be a rollback target: it failed/], ['5', /revision 5 is the deployed revision/], ['9', /has no revision 9/]] as const) {
      const refused = await cmd(['rollback', 'app', rev, '-n', n, '--yes']);
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toMatch(why);
    }
    const st = await cmd<StatusReport>(['status', 'app', '-n', n, '--json']);
    expect({ code: st.code, state: st.json?.health.state, deployed: st.json?.deployedRevision, lkg: st.json?.lastKnownGood }).toEqual({ code: 0, state: 'healthy', deployed: 5, lkg: 4 });
  }, 240_000);

  describe('the guards, --dry-run and secret masking on one release', () => {
    const n = ns('rb-guards');
    const base = ['app', guarded, '-n', n];
    beforeAll(async () => {
      await kubectl(sim, ['create', 'namespace', n]);
      await kubectl(sim, ['create', 'configmap', 'outside-config', '-n', n, '--from-literal=MODE=fast']);
      // Revision 1 reads a ConfigMap outside the release and is Flux-managed; revision 2 runs a flyway
      // migration hook, is Argo CD-tracked and changes the password.
      await h(['upgrade', '--install', ...base, '--set', 'configMapRef=outside-config', '--set', 'gitops=flux', '--set', 'db.password=s3cr3t-one', '--wait', '--timeout', '60s']);
      await h(['upgrade', ...base, '--set', 'configMapRef=outside-config', '--set', 'gitops=argocd', '--set', 'migration.enabled=true', '--set', 'db.password=s3cr3t-two', '--wait', '--timeout', '60s']);
    }, 120_000);

    it('--dry-run prints the plan with every guard, changes nothing, and shows no secret', async () => {
      const beforeHistory = await history('app', n);
      const beforeObjects = await objects(n);
      const text = await cmd(['rollback', 'app', '-n', n, '--dry-run']);
      const json = await cmd<RollbackReport>(['rollback', 'app', '-n', n, '--dry-run', '--json']);
      expect(text.code).toBe(0);
      expect(json.code).toBe(0);
      expect(json.json).toMatchObject({ outcome: 'planned', dryRun: true, toRevision: 1, newRevision: null });
      const byGuard = Object.fromEntries((json.json?.findings ?? []).map((f) => [f.guard + (f.guard === 'gitops' ? `:${f.message.split(' ')[0]}` : ''), f]));
      expect(byGuard.migration).toMatchObject({ severity: 'warn', message: expect.stringMatching(/^revision 2's pre-upgrade hook Job\/app-db-migrate \(flyway\) ran/) });
      expect(byGuard['config-drift']).toMatchObject({ severity: 'warn', objects: ['ConfigMap/outside-config'] });
      expect(byGuard['gitops:Flux']).toMatchObject({ fix: 'revert the change in Git; to hold the rollback until then: flux suspend hr app -n flux-system' });
      expect(byGuard['gitops:Argo']).toMatchObject({ message: expect.stringMatching(/^Argo CD application "app" tracks Deployment\/app/) });
      expect(text.stdout).toMatch(/^Roll back app \(namespace .*\) from revision 2 to revision 1 \(the last known good\)$/m);
      expect(text.stdout).toMatch(/^ {2}--- Secret .*\/app-db \(changed\)$/m);
      for (const secret of ['s3cr3t-one', 's3cr3t-two', Buffer.from('s3cr3t-one').toString('base64'), Buffer.from('s3cr3t-two').toString('base64')]) {
        for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) expect(out).not.toContain(secret);
      }
      const shown = await cmd(['rollback', 'app', '-n', n, '--dry-run', '--show-secrets']);
      expect(shown.stdout).toContain('s3cr3t-one');
      expect(await history('app', n)).toEqual(beforeHistory);
      expect(await objects(n)).toEqual(beforeObjects);
      const st = await cmd<StatusReport>(['status', 'app', '-n', n, '--json']);
      expect(st.json?.rollback.findings.map((f) => f.guard)).toEqual(expect.arrayContaining(['migration', 'config-drift', 'gitops']));
      expect(st.stdout).not.toContain('s3cr3t');
    }, 120_000);

    it('--migration-policy block refuses the manual rollback (exit 2, nothing changed)', async () => {
      const before = await history('app', n);
      const r = await cmd(['rollback', 'app', '-n', n, '--yes', '--migration-policy', 'block']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n').pop()).toMatch(/^Error: refusing to roll back to revision 1: revision 2's pre-upgrade hook Job\/app-db-migrate \(flyway\) ran .*rerun with --migration-policy warn\)$/);
      expect(await history('app', n)).toEqual(before);
    }, 60_000);

    it('upgrade --migration-policy block: the failed revision ran its migration, so no rollback: exit 4 with the manual command', async () => {
      const r = await cmd<UpgradeReport>(['upgrade', ...base, '--set', 'configMapRef=outside-config', '--set', 'migration.enabled=true', '--set', 'image=missing:3', '--migration-policy', 'block', '--json', '--timeout', '60s']);
      expect(r.code).toBe(4);
      expect(r.json).toMatchObject({
        outcome: 'failed-no-rollback',
        attemptedRevision: 3,
        blocked: { guard: 'migration', command: expect.stringMatching(new RegExp(`^helm autorollback rollback app 2 -n ${n} .*--migration-policy warn$`)) },
      });
      expect((await history('app', n)).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['1 superseded', '2 deployed', '3 failed']);
    }, 120_000);

    it('the real rollback (warn policy) goes on, and its output holds no secret either', async () => {
      const r = await cmd(['rollback', 'app', '-n', n, '--yes', '--no-tui', '--timeout', '60s']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^ {4}WARN migration: revision 2's pre-upgrade hook Job\/app-db-migrate \(flyway\) ran/m);
      // Revision 3 (what the cluster holds) left the password at the chart default: it comes back as added.
      expect(r.stderr).toMatch(/^ {4}values \+ db\.password: added \(10 bytes\)$/m);
      expect(r.stderr).toMatch(/^✔ app rolled back to revision 1 \(revision 4\): healthy/m);
      for (const secret of ['s3cr3t-one', 's3cr3t-two', Buffer.from('s3cr3t-one').toString('base64'), Buffer.from('s3cr3t-two').toString('base64')]) {
        expect(r.stdout + r.stderr).not.toContain(secret);
      }
    }, 120_000);
  });

  it('a rollback whose own rollout fails exits 4, and status then reports the release not healthy (exit 9)', async () => {
    const n = ns('rb-fails');
    const base = ['app', probe, '-n', n];
    await kubectl(sim, ['create', 'namespace', n]);
    await kubectl(sim, ['create', 'configmap', 'cfg', '-n', n, '--from-literal=A=1']);
    await h(['upgrade', '--install', ...base, '--set', 'configMapRef=cfg', '--wait', '--timeout', '60s']);
    await h(['upgrade', ...base, '--set', 'configMapRef=', '--wait', '--timeout', '60s']);
    // Revision 1 reads a ConfigMap that is gone now: its pods cannot start (CreateContainerConfigError).
    await kubectl(sim, ['delete', 'configmap', 'cfg', '-n', n]);
    const r = await cmd<RollbackReport>(['rollback', 'app', '-n', n, '--yes', '--json', '--timeout', '60s']);
    expect({ code: r.code, outcome: r.json?.outcome, reason: r.json?.failure?.reason }).toEqual({ code: 4, outcome: 'rollback-failed', reason: 'CreateContainerConfigError' });
    expect(r.json?.findings).toEqual([expect.objectContaining({ guard: 'config-drift', objects: ['ConfigMap/cfg'] })]);
    const st = await cmd<StatusReport>(['status', 'app', '-n', n]);
    expect(st.code).toBe(9);
    expect(st.stdout).toMatch(/^app \(namespace .*\): (DEGRADED|PROGRESSING|PENDING)$/m);
  }, 180_000);
});
