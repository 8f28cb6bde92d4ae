import type { HealthOptions } from '../../src/domain/health/types.js';
import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import { UsageError } from '../../src/errors/errors.js';
import { upgrade, type UpgradeRequest } from '../../src/services/upgrade.js';
import { UpgradeInterrupt } from '../../src/services/upgrade-interrupt.js';
import { at, NS, pod, running } from '../domain/fixtures.js';
import { FakeClock, FakeHelm, FakeLedger, FakeReleases, FakeWatch, settle } from './upgrade-fakes.js';

const health: HealthOptions = { maxRestarts: 2, unschedulableGraceMs: 30_000, unreadyGraceMs: 120_000, timeoutMs: 300_000, waitForJobs: false, minStableMs: 0 };

const manifest = (tag: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: ${NS}\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:${tag}\n`;
const readyPod = (tag: string) => {
  const p = pod({ name: 'web', containers: [{ ...running('app', at(3)), image: `registry.example.com/app:${tag}` }] });
  return { ...p, spec: { ...p.spec, containers: [{ name: 'app', image: `registry.example.com/app:${tag}` }] } };
};
/** Still starting: scheduled, container not ready yet (a slow start, nothing wrong). */
const startingPod = (tag: string) => {
  const p = readyPod(tag);
  const conditions = (p.status?.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c));
  const containerStatuses = (p.status?.containerStatuses ?? []).map((c) => ({ ...c, ready: false, started: false }));
  return { ...p, status: { ...p.status, conditions, containerStatuses } };
};

function setup(statuses: Array<'deployed' | 'superseded' | 'pending-upgrade'> = ['deployed']) {
  const clock = new FakeClock(at(10).getTime());
  const watch = new FakeWatch();
  const releases = new FakeReleases('web', NS, () => watch.changed());
  statuses.forEach((s, i) => releases.put(i + 1, s, manifest(String(i + 1))));
  watch.releases = releases;
  const helm = new FakeHelm();
  const events: UpgradeEvent[] = [];
  const interrupt = new UpgradeInterrupt();
  const deps = { helm, watch, releases, ledger: new FakeLedger(), clock, marker: releases, emit: (e: UpgradeEvent) => events.push(e) };
  const request: UpgradeRequest = {
    release: 'web',
    chart: './chart',
    namespace: NS,
    helmArgs: [],
    helmGlobalArgs: ['--kube-context', 'prod'],
    health,
    noRollback: false,
    keepFailedInstall: false,
    recoverPending: false,
    interrupt,
  };
  /** helm has stored revision `n` and is waiting on a pod that is still starting. */
  const upgrading = async (n: number, kind: 'upgrade' | 'install' = 'upgrade') => {
    const proc = await helm.next('upgrade');
    releases.put(n, kind === 'install' ? 'pending-install' : 'pending-upgrade', manifest(String(n)));
    await settle();
    watch.set({ pods: [startingPod(String(n))] });
    await settle();
    expect(events.some((e) => e.type === 'revision-detected' && e.revision === n)).toBe(true);
    expect(proc.terminated).toBe(false);
    return proc;
  };
  /** The rollback helm runs creates revision `n` and its pod gets ready; helm then succeeds. */
  const rollbackSucceeds = async (n: number, to: string) => {
    const rb = await helm.next('rollback');
    releases.put(n, 'pending-rollback', manifest(to));
    await settle();
    watch.set({ pods: [readyPod(to)] });
    await settle();
    releases.setStatus(n, 'deployed');
    rb.exit(0);
    return rb;
  };
  const notices = () => events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
  return { clock, watch, releases, helm, events, deps, request, interrupt, upgrading, rollbackSucceeds, notices };
}

describe('upgrade service: interrupts', () => {
  it('the first interrupt stops helm like a failure (revision recorded failed) and rolls back: Interrupted, rolled-back', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.upgrading(2);
    proc.onTerminate = () => s.releases.setStatus(2, 'failed');
    expect(s.interrupt.abandonMessage()).toBe('interrupted again: abandoned the upgrade of "web"; revision 2 may be left failed or pending (helm may still be stopping); recover with: helm rollback web 1 -n prod --kube-context prod');
    s.interrupt.abort('SIGINT');
    const rb = await s.rollbackSucceeds(3, '1');
    expect(proc.terminated).toBe(true);
    expect(rb.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
    const report = await done;
    expect(report).toMatchObject({
      outcome: 'rolled-back',
      attemptedRevision: 2,
      failure: { reason: 'Interrupted', object: 'Release/web.v2', message: expect.stringContaining('SIGINT') },
      rollback: { toRevision: 1, newRevision: 3 },
    });
    expect(s.notices()).toContainEqual(expect.stringMatching(/^interrupted \(SIGINT\): stopping helm, then rolling back; interrupt again to abandon/));
    expect(s.events).toContainEqual(expect.objectContaining({ type: 'revision-marked-failed', revision: 2 }));
    expect(s.deps.ledger.entries).toContainEqual(expect.objectContaining({ revision: 2, verdict: 'failed', reason: 'Interrupted' }));
    expect(s.interrupt.current.phase).toBe('done');
  });

  it('helm got the same Ctrl-C and exited first, leaving the revision pending: still Interrupted, rolled back, then marked failed', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.upgrading(2);
    // The terminal signals the whole process group: helm stops on its own before it could record anything.
    proc.exit(1, 'Error: UPGRADE FAILED: context canceled');
    s.interrupt.abort('SIGINT');
    await s.rollbackSucceeds(3, '1');
    const report = await done;
    expect(report).toMatchObject({ outcome: 'rolled-back', failure: { reason: 'Interrupted' }, rollback: { toRevision: 1, newRevision: 3 } });
    expect(proc.terminated).toBe(false);
    expect(s.notices()).toContainEqual(expect.stringContaining('helm left revision 2 as pending-upgrade (it stopped mid-operation)'));
    expect(s.releases.marked).toEqual([{ revision: 2, description: expect.stringContaining('Interrupted in Release/web.v2') }]);
    expect(s.releases.status(2)).toBe('failed');
  });

  it('helm exited first having recorded the revision failed: Interrupted, rolled back, nothing re-marked', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.upgrading(2);
    s.releases.setStatus(2, 'failed');
    proc.exit(1, 'Error: UPGRADE FAILED: context canceled');
    s.interrupt.abort('SIGINT');
    await s.rollbackSucceeds(3, '1');
    expect(await done).toMatchObject({ outcome: 'rolled-back', failure: { reason: 'Interrupted' } });
    expect(s.releases.marked).toEqual([]);
  });

  it('an interrupt during the rollback is noted and the rollback goes on', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.upgrading(2);
    proc.onTerminate = () => s.releases.setStatus(2, 'failed');
    s.watch.set({ pods: [{ ...startingPod('2'), status: { ...startingPod('2').status, phase: 'Pending', containerStatuses: [{ name: 'app', image: 'registry.example.com/app:2', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }] } }] });
    const rb = await s.helm.next('rollback');
    expect(s.interrupt.current).toMatchObject({ phase: 'rollback', target: 1, attemptedRevision: 2 });
    s.interrupt.abort('SIGTERM');
    expect(s.notices()).toContainEqual('interrupted (SIGTERM): the rollback continues; interrupt again to abandon it (exits at once)');
    expect(s.interrupt.abandonMessage()).toMatch(/^interrupted again: abandoned the rollback of "web" to revision 1 \(helm may still finish it in the background\); .*recover with: helm rollback web 1 -n prod --kube-context prod$/);
    expect(rb.terminated).toBe(false);
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    rb.exit(0);
    const report = await done;
    expect(report).toMatchObject({ outcome: 'rolled-back', failure: { reason: 'ErrImagePull' } });
  });

  it('an interrupted first install is uninstalled; the abandon message says helm uninstall', async () => {
    const s = setup([]);
    const done = upgrade(s.deps, s.request);
    const proc = await s.upgrading(1, 'install');
    expect(s.interrupt.abandonMessage()).toContain('recover with: helm uninstall web -n prod --kube-context prod');
    proc.onTerminate = () => s.releases.setStatus(1, 'failed');
    s.interrupt.abort('SIGINT');
    const u = await s.helm.next('uninstall');
    s.releases.remove();
    u.exit(0);
    expect(await done).toMatchObject({ outcome: 'rolled-back', failure: { reason: 'Interrupted' } });
    expect(s.helm.verbs()).toEqual(['upgrade', 'uninstall']);
  });

  it('interrupted before helm stored a revision: helm stopped, nothing to roll back', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.helm.next('upgrade');
    s.interrupt.abort('SIGINT');
    const report = await done;
    expect(proc.terminated).toBe(true);
    expect(report).toMatchObject({ outcome: 'failed-no-rollback', notRolledBack: 'nothing-stored', failure: { reason: 'Interrupted', object: 'Release/web' } });
    expect(s.notices()).toContain('interrupted before helm stored a new revision; nothing was changed');
    expect(s.helm.verbs()).toEqual(['upgrade']);
  });

  it('interrupted during a --recover-pending rollback: the rollback finishes, the upgrade never starts', async () => {
    const s = setup(['deployed', 'pending-upgrade']);
    const done = upgrade(s.deps, { ...s.request, recoverPending: true });
    const rb = await s.helm.next('rollback');
    s.interrupt.abort('SIGINT');
    expect(s.notices()).toContain('interrupted (SIGINT): the upgrade will not start (a running --recover-pending rollback finishes first); interrupt again to exit at once');
    s.releases.setStatus(2, 'failed');
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    expect(rb.terminated).toBe(false);
    s.releases.setStatus(3, 'deployed');
    rb.exit(0);
    await expect(done).rejects.toThrow(UsageError);
    await expect(done).rejects.toThrow(/interrupted \(SIGINT\) before the upgrade started; only the --recover-pending rollback ran$/);
    expect(s.helm.verbs()).toEqual(['rollback']);
  });

  it('a revision helm stored just before it stopped is found in the storage even when the watch missed it', async () => {
    const s = setup();
    const done = upgrade(s.deps, s.request);
    const proc = await s.helm.next('upgrade');
    s.watch.releases = undefined; // the watch lags: it never sees revision 2
    proc.onTerminate = () => s.releases.put(2, 'failed', manifest('2'));
    s.interrupt.abort('SIGINT');
    const rb = await s.helm.next('rollback');
    expect(rb.args.slice(0, 3)).toEqual(['rollback', 'web', '1']);
    s.watch.releases = s.releases; // caught up
    s.releases.put(3, 'pending-rollback', manifest('1'));
    await settle();
    s.watch.set({ pods: [readyPod('1')] });
    await settle();
    rb.exit(0);
    expect(await done).toMatchObject({ outcome: 'rolled-back', attemptedRevision: 2, failure: { reason: 'Interrupted' }, rollback: { toRevision: 1, newRevision: 3 } });
  });
});
