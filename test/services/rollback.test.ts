import type { HealthOptions } from '../../src/domain/health/types.js';
import type { Hook, ReleaseStatus } from '../../src/domain/release/release.js';
import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import { UsageError } from '../../src/errors/errors.js';
import { planRollback, rollback, type RollbackRequest } from '../../src/services/rollback.js';
import { at, NS } from '../domain/fixtures.js';
import { podManifest as manifest, pullingPod, readyPod } from './pods.js';
import { FakeClock, FakeHelm, FakeLedger, FakeReleases, FakeWatch, settle } from './upgrade-fakes.js';

const health: HealthOptions = { maxRestarts: 2, unschedulableGraceMs: 30_000, unreadyGraceMs: 120_000, timeoutMs: 300_000, waitForJobs: false, minStableMs: 0 };
const migrationHook: Hook = {
  name: 'db-migrate', kind: 'Job', path: 'web/templates/migrate.yaml', events: ['pre-upgrade'], lastRun: { phase: 'Succeeded' }, weight: 0, deletePolicies: [],
  manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: db-migrate\nspec:\n  template:\n    spec:\n      containers:\n        - name: m\n          image: flyway/flyway:10\n',
};

function setup(statuses: ReleaseStatus[]) {
  const clock = new FakeClock(at(10).getTime());
  const watch = new FakeWatch();
  const releases = new FakeReleases('web', NS, () => watch.changed());
  statuses.forEach((s, i) => releases.put(i + 1, s, manifest(String(i + 1))));
  watch.releases = releases;
  const helm = new FakeHelm();
  const ledger = new FakeLedger();
  const events: UpgradeEvent[] = [];
  const deps = { helm, watch, releases, ledger, clock, emit: (e: UpgradeEvent) => events.push(e) };
  const asked: number[] = [];
  const req: RollbackRequest = {
    release: 'web', namespace: NS, helmGlobalArgs: ['--kube-context', 'prod'], helmEnv: { HELM_DRIVER: 'secret' }, health,
    helmArgs: ['--cleanup-on-fail'], dryRun: false, migrationPolicy: 'warn',
    confirm: async (plan) => {
      asked.push(plan.toRevision);
      return true;
    },
  };
  return { clock, watch, releases, helm, ledger, events, deps, req, asked };
}

/** Lets the fake helm's rollback store revision `rev` running `tag`, then the pod turn ready and helm succeed. */
async function rollsBackHealthy(s: ReturnType<typeof setup>, rev: number, tag: string) {
  const proc = await s.helm.next('rollback');
  s.releases.put(rev, 'pending-rollback', manifest(tag));
  await settle();
  s.watch.set({ pods: [readyPod(tag)] });
  await settle();
  s.releases.setStatus(rev, 'deployed');
  proc.exit(0);
  return proc;
}

describe('rollback service', () => {
  it('default target: the last known good, skipping a failed revision; runs helm rollback --wait, judges it, records it', async () => {
    const s = setup(['superseded', 'failed', 'deployed']);
    const done = rollback(s.deps, s.req);
    const proc = await rollsBackHealthy(s, 4, '1');
    const { report } = await done;
    expect(proc.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
    expect(proc.args).toEqual(expect.arrayContaining(['--cleanup-on-fail', '--wait', '--kube-context', 'prod']));
    expect(s.asked).toEqual([1]);
    expect(report).toMatchObject({ outcome: 'healthy', dryRun: false, fromRevision: 3, toRevision: 1, newRevision: 4 });
    expect(s.ledger.entries).toEqual([expect.objectContaining({ revision: 4, verdict: 'healthy' })]);
    expect(s.events.find((e) => e.type === 'rollback-started')).toMatchObject({ manual: { release: 'web', namespace: NS, fromRevision: 3, helmMajor: 3 } });
    expect(s.watch.started && s.watch.stopped).toBe(true);
  });

  it('an explicit target is used as given', async () => {
    const s = setup(['superseded', 'superseded', 'deployed']);
    const done = rollback(s.deps, { ...s.req, revision: 1 });
    const proc = await rollsBackHealthy(s, 4, '1');
    await done;
    expect(proc.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
  });

  it.each<[string, ReleaseStatus[], number, RegExp]>([
    ['failed', ['superseded', 'failed', 'deployed'], 2, /revision 2 cannot be a rollback target: it failed/],
    ['deployed', ['superseded', 'deployed'], 2, /revision 2 is the deployed revision/],
    ['missing', ['superseded', 'deployed'], 7, /has no revision 7/],
  ])('refuses a %s target in one line, before anything runs', async (_name, statuses, revision, message) => {
    const s = setup(statuses);
    await expect(rollback(s.deps, { ...s.req, revision })).rejects.toThrow(message);
    expect(s.helm.runs).toHaveLength(0);
    expect(s.asked).toEqual([]);
  });

  it('--dry-run plans (hooks, guards, diff) and changes nothing', async () => {
    const s = setup(['superseded', 'deployed']);
    const { report, plan } = await rollback(s.deps, { ...s.req, dryRun: true });
    expect(report).toMatchObject({ outcome: 'planned', dryRun: true, toRevision: 1, newRevision: null, startedAt: null });
    expect(report.diff.objects).toEqual([expect.objectContaining({ kind: 'Pod', name: 'web', change: 'changed' })]);
    expect(plan.diff.changed).toBe(true);
    expect(s.helm.runs).toHaveLength(0);
    expect(s.asked).toEqual([]);
    expect(s.watch.started).toBe(false);
    expect(s.ledger.entries).toEqual([]);
  });

  it('a crossed migration warns by default and blocks (exit 2, nothing run) with --migration-policy block', async () => {
    const s = setup(['superseded', 'deployed']);
    (s.releases.revisions[1] as { hooks: Hook[] }).hooks = [migrationHook];
    const planned = await planRollback(s.deps, { release: 'web', namespace: NS });
    expect(planned.plan.findings).toEqual([expect.objectContaining({ guard: 'migration', severity: 'warn' })]);
    const err = await rollback(s.deps, { ...s.req, migrationPolicy: 'block' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(/^refusing to roll back to revision 1: revision 2's pre-upgrade hook Job\/db-migrate \(flyway\) ran/);
    expect(s.helm.runs).toHaveLength(0);
  });

  it('declining the confirmation changes nothing', async () => {
    const s = setup(['superseded', 'deployed']);
    await expect(rollback(s.deps, { ...s.req, confirm: async () => false })).rejects.toThrow('rollback cancelled; nothing was changed');
    expect(s.helm.runs).toHaveLength(0);
  });

  it('a release stuck in pending-upgrade: rolls back to the last known good, the deployed revision (its recovery)', async () => {
    const s = setup(['superseded', 'deployed', 'pending-upgrade']);
    const done = rollback(s.deps, s.req);
    const proc = await rollsBackHealthy(s, 4, '2');
    const { report } = await done;
    expect(proc.args.slice(0, 3)).toEqual(['rollback', 'web', '2']);
    expect(report.pending).toEqual({ status: 'pending-upgrade', revision: 3 });
    expect(s.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'notice', message: expect.stringContaining('stuck in pending-upgrade') })]));
  });

  it('a rollback whose own rollout fails ends rollback-failed with the evidence', async () => {
    const s = setup(['superseded', 'deployed']);
    const done = rollback(s.deps, s.req);
    const proc = await s.helm.next('rollback');
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [pullingPod('1')] });
    const { report } = await done;
    expect(proc.terminated).toBe(true);
    expect(report).toMatchObject({ outcome: 'rollback-failed', newRevision: 3, failure: { reason: 'ImagePullBackOff' } });
    expect(s.ledger.entries).toEqual([expect.objectContaining({ revision: 3, verdict: 'failed' })]);
  });
});
