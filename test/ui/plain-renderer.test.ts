import { createPlainRenderer } from '../../src/ui/plain-renderer.js';
import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import { at, crashloopRun, ev, healthyRun, pod, rollbackFailureRun, warning, workload } from './fixtures.js';

const ANSI = /\u001b\[/;

function renderAll(events: readonly UpgradeEvent[], options: Parameters<typeof createPlainRenderer>[1] = { color: false }) {
  const writes: string[] = [];
  const r = createPlainRenderer({ write: (s) => writes.push(s) }, options);
  for (const e of events) r.onEvent(e);
  r.close();
  return { text: writes.join(''), writes };
}

describe('createPlainRenderer', () => {
  test('healthy run: one line per change, then the summary', () => {
    expect(renderAll(healthyRun()).text.split('\n')).toEqual([
      '00:00.0 upgrading web in namespace shop to ./examples/webapp (from revision 3, helm 3)',
      '00:00.4 helm: Release "web" has been upgraded. Happy Helming!',
      '00:00.5 revision 4 stored; watching 1 workload',
      '00:00.6 Deployment/web: 0/2 ready, 1/2 updated',
      '00:01.5 Deployment/web: 1/2 ready, 1/2 updated',
      '00:02.5 Deployment/web: rolled out, 2/2 ready',
      '00:02.5 revision 4 is healthy: every workload rolled out and ready',
      '',
      'SUCCESS: web revision 4 is healthy',
      '  release       web (namespace shop)',
      '  revisions     3 -> 4',
      '  time to ready 2.5s (TTR, from the start of the upgrade)',
      '',
    ]);
  });

  test('crashloop failure and rollback', () => {
    expect(renderAll(crashloopRun()).text.split('\n')).toEqual([
      '00:00.0 upgrading web in namespace shop to ./examples/webapp (from revision 3, helm 3)',
      '00:00.5 revision 4 stored; watching 1 workload',
      '00:01.0 Deployment/web: 0/3 ready, 1/3 updated',
      '00:01.0 pod web-7d9c-a1: Error, restarts 1 (Running, not ready)',
      '00:02.0 pod web-7d9c-a1: CrashLoopBackOff, restarts 2 (Running, not ready)',
      '00:02.0 warning Pod/web-7d9c-a1 BackOff: Back-off restarting failed container app in pod web-7d9c-a1_shop',
      '00:02.2 FAILED: CrashLoopBackOff in Pod/web-7d9c-a1 (container app): back-off 10s restarting failed container=app pod=web-7d9c-a1_shop [first signal 00:01.8, detected after 0.4s]',
      '00:02.4 helm: Error: UPGRADE FAILED: context canceled',
      "00:02.5 revision 4 recorded as failed in helm's history",
      '00:02.6 rolling back to revision 3',
      '00:03.0 rollback: Deployment/web: 2/3 ready, 2/3 updated',
      '00:04.0 helm rollback done: revision 5 created',
      '00:04.1 rollback: Deployment/web: rolled out, 3/3 ready',
      '00:04.1 rollback: healthy again: every workload rolled out and ready',
      '',
      'ROLLED BACK: web revision 4 failed; back on revision 3, healthy',
      '  release       web (namespace shop)',
      '  revisions     3 -> 4 (failed) -> rollback to 3 as revision 5',
      '  reason        CrashLoopBackOff in Pod/web-7d9c-a1 (container app)',
      '  message       back-off 10s restarting failed container=app pod=web-7d9c-a1_shop',
      '  first signal  2026-11-27T01:00:01.800Z',
      '  detected      2026-11-27T01:00:02.200Z (TTD 400ms)',
      '  rollback      started 2026-11-27T01:00:02.600Z, completed 2026-11-27T01:00:04.100Z',
      '  recovered in  4.1s (TTR, from the start of the upgrade)',
      '',
    ]);
  });

  test('rollback failure says so loudly and tells what to look at', () => {
    expect(renderAll(rollbackFailureRun()).text.split('\n')).toEqual([
      '00:00.0 upgrading web in namespace shop to ./examples/webapp (from revision 3, helm 3)',
      '00:00.5 revision 4 stored; watching 1 workload',
      '00:01.0 Deployment/web: 0/3 ready, 1/3 updated',
      '00:01.0 pod web-7d9c-a1: ErrImagePull, restarts 0 (Pending, not ready)',
      '00:01.1 FAILED: ErrImagePull in Pod/web-7d9c-a1 (container app): pull access denied for web:nope [first signal 00:01.0, detected after 0.1s]',
      "00:01.3 revision 4 recorded as failed in helm's history",
      '00:01.4 rolling back to revision 3',
      '00:03.0 ROLLBACK FAILED: helm rollback failed: Error: timed out waiting for the condition',
      '',
      'ROLLBACK FAILED: web revision 4 failed and was not recovered; act now',
      '  release       web (namespace shop)',
      '  revisions     3 -> 4 (failed) -> rollback to 3',
      '  reason        ErrImagePull in Pod/web-7d9c-a1 (container app)',
      '  message       pull access denied for web:nope',
      '  first signal  2026-11-27T01:00:01.000Z',
      '  detected      2026-11-27T01:00:01.100Z (TTD 100ms)',
      '  rollback      started 2026-11-27T01:00:01.400Z, never completed',
      '  look at       helm history web -n shop; kubectl get pods,events -n shop',
      '',
    ]);
  });

  test('no ANSI without colour; ANSI with colour, same text underneath', () => {
    const plain = renderAll(crashloopRun(), { color: false }).text;
    const colored = renderAll(crashloopRun(), { color: true }).text;
    expect(plain).not.toMatch(ANSI);
    expect(colored).toMatch(ANSI);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
    // Failures stand out in red.
    expect(colored).toMatch(/\u001b\[31m.*FAILED: CrashLoopBackOff/);
  });

  test('repeated identical progress writes nothing', () => {
    const snap = { workloads: [workload({ updated: 1 })], pods: [pod({ phase: 'Running', restarts: 1, reason: 'Error' })] };
    const { writes } = renderAll([ev.started(), ev.progress(1, snap), ev.progress(1.1, snap), ev.progress(1.2, snap)]);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe(
      '00:01.0 Deployment/web: 0/3 ready, 1/3 updated\n00:01.0 pod web-7d9c-a1: Error, restarts 1 (Running, not ready)\n',
    );
  });

  test('routine pod reasons and a Warning seen again make no line', () => {
    const w = workload({ updated: 1 });
    const { text } = renderAll([
      ev.started(),
      ev.progress(1, { workloads: [w], pods: [pod({ reason: 'ContainerCreating' })], warnings: [warning({ count: 1 })] }),
      ev.progress(2, { workloads: [w], pods: [pod({ phase: 'Running', reason: 'NotReady' })], warnings: [warning({ count: 4, lastSeen: at(2) })] }),
    ]);
    expect(text.split('\n').filter(Boolean)).toEqual([
      '00:00.0 upgrading web in namespace shop to ./examples/webapp (from revision 3, helm 3)',
      '00:01.0 Deployment/web: 0/3 ready, 1/3 updated',
      '00:01.0 warning Pod/web-7d9c-a1 BackOff: Back-off restarting failed container app in pod web-7d9c-a1_shop',
    ]);
  });

  test('times count from the first event, also when notices come before started', () => {
    const { text } = renderAll([ev.notice('ledger unreadable', 0, 'warn'), ev.started({ at: 0.5 }), ev.revision(4, 1), ev.failed(3, { signalAt: 2 })]);
    expect(text.split('\n').filter(Boolean).map((l) => l.slice(0, 70))).toEqual([
      '00:00.0 ledger unreadable',
      '00:00.5 upgrading web in namespace shop to ./examples/webapp (from rev',
      '00:01.0 revision 4 stored; watching 1 workload',
      '00:03.0 FAILED: CrashLoopBackOff in Pod/web-7d9c-a1 (container app): b',
    ]);
    expect(text).toContain('[first signal 00:02.0, detected after 1.0s]');
  });

  test('iso timestamps', () => {
    const { text } = renderAll([ev.started(), ev.revision(4, 0.5)], { color: false, timestamps: 'iso' });
    expect(text.split('\n')[1]).toBe(`${at(0.5).toISOString()} revision 4 stored; watching 1 workload`);
  });

  test('events before started count from the first event; nothing is written after close', () => {
    const writes: string[] = [];
    const r = createPlainRenderer({ write: (s) => writes.push(s) }, { color: false });
    r.onEvent(ev.notice('reading the ledger', 1));
    r.onEvent(ev.notice('ledger unreadable, skipping it', 1.5, 'warn'));
    r.close();
    r.onEvent(ev.revision(4, 2));
    expect(writes).toEqual(['00:00.0 reading the ledger\n', '00:00.5 ledger unreadable, skipping it\n']);
  });
});
