import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { LiveUpgradeView } from '../../../src/ui/live/view.js';
import { reduceAll } from '../../../src/ui/live/state.js';
import type { UpgradeEvent } from '../../../src/domain/upgrade/events.js';
import { at, crashloopRun, ev, healthyRun, pod, rollbackFailureRun, warning, workload } from '../fixtures.js';

const ANSI = /\u001b\[[0-9;]*m/g;

function frame(events: readonly UpgradeEvent[], props: { now?: Date; columns?: number; rows?: number; color?: boolean } = {}) {
  const { lastFrame, unmount } = render(
    <LiveUpgradeView state={reduceAll(events)} now={props.now ?? at(2.3)} columns={props.columns ?? 80} rows={props.rows ?? 24} color={props.color ?? false} />,
  );
  const text = lastFrame() ?? '';
  unmount();
  return text;
}

function lines(text: string): string[] {
  return text.split('\n');
}

describe('LiveUpgradeView', () => {
  test('progress: header, countdown, bars, pods of the new revision, warnings', () => {
    expect(lines(frame(crashloopRun().slice(0, 4)))).toEqual([
      'helm autorollback web · rev 3 → 4 · ns shop · helm 3 · ./examples/webapp',
      'watching revision 4 roll out…  00:02.3  timeout in 4:58',
      'Workloads',
      '  Deployment/web  █████░░░░░░░░░░░░░░░░░░░░░░░░░  0/3 ready  1/3 updated',
      'Pods of revision 4',
      '  web-7d9c-a1  Running  CrashLoopBackOff  restarts 2  not ready',
      'Warnings',
      '  00:01.8 BackOff Pod/web-7d9c-a1: Back-off restarting failed container app in …',
    ]);
  });

  test('all ready but no verdict yet: says it is making sure the rollout stays up', () => {
    const done = workload({ updated: 3, ready: 3, available: 3, done: true });
    const text = frame([ev.started(), ev.revision(4, 0.5), ev.progress(2, { workloads: [done] })]);
    expect(lines(text)[1]).toBe('revision 4 ready, making sure it stays up…  00:02.3  timeout in 4:58');
    expect(text).toContain('3/3 ready  3/3 updated ✔');
  });

  test('narrow header: the prefix goes first, then the chart path is cut; pod names keep their end', () => {
    const p = pod({ name: 'shop-webapp-fbcdb4cf6-2x4qz', phase: 'Running', ready: true });
    const rows = lines(frame([ev.started(), ev.revision(4, 0.5), ev.progress(1, { workloads: [workload()], pods: [p] })], { columns: 50 }));
    expect(rows[0]).toBe('web · rev 3 → 4 · ns shop · helm 3 · ./examples/w…');
    expect(rows).toContain('  shop-webapp-f…-2x4qz  Running  restarts 0  ready');
  });

  test('the countdown follows the clock and never goes negative', () => {
    const events = crashloopRun().slice(0, 4);
    expect(frame(events, { now: at(61) })).toContain('01:01.0  timeout in 3:59');
    expect(frame(events, { now: at(400) })).toContain('timeout in 0:00');
  });

  test('the nearest grace that can fail the rollout is counted down next to the timeout', () => {
    const next = { at: at(62.3), object: 'Pod/web-7d9c-a1', what: 'unready grace', container: 'app' };
    const text = frame([ev.started(), ev.revision(4, 0.5), ev.progress(2, { workloads: [workload()], next })], { columns: 100 });
    expect(lines(text)[1]).toBe('watching revision 4 roll out…  00:02.3  unready grace: Pod/web-7d9c-a1 in 1:00  timeout in 4:58');
  });

  test('a running hook Job draws an empty bar; one helm deleted after it ran says so', () => {
    const running = workload({ kind: 'Job', name: 'migrate', hook: true, desired: 1, updated: 1, ready: 1 });
    expect(frame([ev.started(), ev.revision(4, 0.5), ev.progress(1, { workloads: [running] })])).toContain('Job/migrate (hook)  ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  0/1 succeeded, 1 running');
    const gone = workload({ kind: 'Job', name: 'migrate', hook: true, desired: 1, present: false, done: true });
    const done = workload({ kind: 'Job', name: 'migrate', hook: true, desired: 1, updated: 1, available: 1, done: true });
    const text = frame([ev.started(), ev.revision(4, 0.5), ev.progress(1, { workloads: [done] }), ev.progress(2, { workloads: [gone] })], { columns: 100 });
    expect(text).toContain('ran, then deleted by helm (hook-delete-policy)');
    expect(text).not.toContain('█');
  });

  test('before helm stored the revision', () => {
    expect(lines(frame([ev.started({ fromRevision: undefined, helmMajor: 4 })], { now: at(0.2) }))).toEqual([
      'helm autorollback web · rev new → ? · ns shop · helm 4 · ./examples/webapp',
      'helm is upgrading…  00:00.2',
    ]);
  });

  test('failure: the verdict with its reason, first signal and message', () => {
    const text = frame(crashloopRun().slice(0, 5));
    expect(lines(text).slice(1, 2)).toEqual(['✖ revision 4 FAILED  00:02.3']);
    expect(lines(text).slice(-3)).toEqual([
      '✖ CrashLoopBackOff in Pod/web-7d9c-a1 (container app)',
      '  first signal 00:01.8 · detected 0.4s later',
      '  back-off 10s restarting failed container=app pod=web-7d9c-a1_shop',
    ]);
    expect(text).not.toContain('timeout in');
  });

  test("rollback: the rollback's own rollout replaces the upgrade's, the failure stays", () => {
    const text = frame(crashloopRun().slice(0, 9), { now: at(3) });
    expect(lines(text)).toEqual([
      'helm autorollback web · rev 3 → 4 · ns shop · helm 3 · ./examples/webapp',
      '↺ revision 4 FAILED · rolling back to revision 3…  00:03.0  timeout in 4:57',
      'Workloads',
      '  Deployment/web  ████████████████████░░░░░░░░░░  2/3 ready  2/3 updated',
      '✖ CrashLoopBackOff in Pod/web-7d9c-a1 (container app)',
      '  first signal 00:01.8 · detected 0.4s later',
      '  back-off 10s restarting failed container=app pod=web-7d9c-a1_shop',
      '↺ rollback to revision 3: helm is working…',
    ]);
  });

  test('rollback states: helm done, healthy, failed', () => {
    const run = crashloopRun();
    expect(frame(run.slice(0, 10))).toContain('↺ rollback to revision 3 (revision 5): waiting for its rollout…');
    expect(frame(run.slice(0, 12))).toContain('✔ rollback to revision 3: healthy');
    const failed = frame(rollbackFailureRun().slice(0, -1));
    expect(failed).toContain('✖ ROLLBACK FAILED: a human must look now');
    expect(lines(failed).at(-1)).toBe('✖ rollback to revision 3 failed: Error: timed out waiting for the condition');
  });

  test('--recover-pending before the upgrade is not called a failure', () => {
    const text = frame([ev.notice('web is pending-upgrade', 0, 'warn'), ev.rollbackStarted(2, 0.1)], { now: at(1) });
    expect(lines(text).slice(0, 2)).toEqual([
      'helm autorollback',
      '↺ recovering a pending release: rolling back to revision 2…  00:01.0',
    ]);
  });

  test('uninstall of a failed first install', () => {
    const text = frame([ev.started({ fromRevision: undefined }), ev.revision(1, 0.5), ev.failed(2, { signalAt: 1 }), ev.uninstallStarted(3)]);
    expect(text).toContain('↺ revision 1 FAILED · uninstalling the failed first install…');
    expect(lines(text).at(-1)).toBe('↺ uninstall: helm is working…');
  });

  test('final summary replaces the live part, values wrap under their label', () => {
    const text = frame(crashloopRun(), { now: at(9) });
    expect(lines(text)).toEqual([
      'helm autorollback web · rev 3 → 4 · ns shop · helm 3 · ./examples/webapp',
      '↺ done: rolled back  00:04.2',
      '',
      'ROLLED BACK: web revision 4 failed; back on revision 3, healthy',
      '  release       web (namespace shop)',
      '  revisions     3 -> 4 (failed) -> rollback to 3 as revision 5',
      '  reason        CrashLoopBackOff in Pod/web-7d9c-a1 (container app)',
      '  message       back-off 10s restarting failed container=app',
      '                pod=web-7d9c-a1_shop',
      '  first signal  2026-11-27T01:00:01.800Z',
      '  detected      2026-11-27T01:00:02.200Z (TTD 400ms)',
      '  rollback      started 2026-11-27T01:00:02.600Z, completed',
      '                2026-11-27T01:00:04.100Z',
      '  recovered in  4.1s (TTR, from the start of the upgrade)',
    ]);
  });

  test('healthy summary', () => {
    expect(lines(frame(healthyRun()))).toEqual([
      'helm autorollback web · rev 3 → 4 · ns shop · helm 3 · ./examples/webapp',
      '✔ done: healthy  00:02.6',
      '',
      'SUCCESS: web revision 4 is healthy',
      '  release       web (namespace shop)',
      '  revisions     3 -> 4',
      '  time to ready 2.5s (TTR, from the start of the upgrade)',
    ]);
  });

  test('fits an 80x24 terminal with many pods and warnings (23 lines at most)', () => {
    const pods = Array.from({ length: 12 }, (_, i) => pod({ name: `web-7d9c-${i}`, phase: 'Running', reason: 'CrashLoopBackOff', restarts: 3 }));
    const warnings = Array.from({ length: 5 }, (_, i) => warning({ message: `Back-off ${i}`, lastSeen: at(i) }));
    const workloads = Array.from({ length: 8 }, (_, i) => workload({ name: `svc-${i}` }));
    const events = [ev.started(), ev.revision(4, 0.5, 8), ev.progress(2, { workloads, pods, warnings }), ev.failed(2.2, { signalAt: 1.8, progress: { workloads, pods, warnings, deadline: at(300) } })];
    const text = frame(events, { columns: 80, rows: 24 });
    const rows = lines(text);
    expect(rows.length).toBeLessThanOrEqual(23);
    expect(rows.every((r) => r.length <= 80)).toBe(true);
    expect(text).toMatch(/… \d+ more pods/);
    expect(text).toMatch(/… \d+ more workloads/);
    expect(text).toContain('Back-off 4'); // the newest warning survives
    expect(rows.slice(-3)[0]).toBe('✖ CrashLoopBackOff in Pod/web-7d9c-a1 (container app)');
  });

  test('a short pod list shows the troubled pods first', () => {
    const fine = Array.from({ length: 6 }, (_, i) => pod({ name: `web-ok-${i}`, phase: 'Running', ready: true }));
    const bad = pod({ name: 'web-zz-bad', phase: 'Running', reason: 'CrashLoopBackOff', restarts: 3 });
    const text = frame([ev.started(), ev.revision(4, 0.5), ev.progress(1, { workloads: [workload()], pods: [...fine, bad] })], { rows: 12 });
    const podRows = lines(text).filter((l) => l.startsWith('  web-'));
    expect(podRows[0]).toContain('web-zz-bad');
    expect(text).toMatch(/… \d+ more pods/);
  });

  test('degrades in a narrow, short terminal: no bars, lines cut, still within the height', () => {
    const text = frame(crashloopRun().slice(0, 5), { columns: 40, rows: 12 });
    const rows = lines(text);
    expect(rows.length).toBeLessThanOrEqual(11);
    expect(rows.every((r) => r.length <= 40)).toBe(true);
    expect(text).not.toContain('█');
    expect(text).toContain('Deployment/web  0/3 ready  1/3 updated');
    expect(text).toContain('✖ CrashLoopBackOff');
  });

  test('colour only when asked', () => {
    // Ink colours through chalk's shared instance, whose level follows the (non-TTY) test process: force it.
    const level = chalk.level;
    chalk.level = 1;
    try {
      const state = reduceAll(crashloopRun().slice(0, 5));
      const plain = render(<LiveUpgradeView state={state} now={at(3)} color={false} />);
      expect(plain.lastFrame()).not.toMatch(ANSI);
      plain.unmount();
      const colored = render(<LiveUpgradeView state={state} now={at(3)} color />);
      const text = colored.lastFrame() ?? '';
      colored.unmount();
      expect(text).toContain('\u001b[31m✖ revision 4 FAILED');
      expect(text.replace(ANSI, '')).toBe(frame(crashloopRun().slice(0, 5), { now: at(3) }));
    } finally {
      chalk.level = level;
    }
  });
});
