import { workloadFraction } from '../../src/domain/upgrade/progress.js';
import { pendingDeadline, reduceUpgradeEvent, initialViewState, workloadStatus } from '../../src/ui/live/state.js';
import { createPlainRenderer, heartbeat } from '../../src/ui/plain-renderer.js';
import type { UpgradeEvent } from '../../src/domain/upgrade/events.js';
import { at, ev, snapshot, workload } from './fixtures.js';

const unreadyRollout = snapshot({
  workloads: [workload({ desired: 2, updated: 2, ready: 1 })],
  next: { at: at(125), object: 'Pod/web-7d9c-a1', what: 'unready grace', container: 'app' },
});

describe('the plain heartbeat', () => {
  /** A renderer on a manual clock and scheduler. */
  function run(events: UpgradeEvent[]) {
    const writes: string[] = [];
    let t = events[events.length - 1]?.at.getTime() ?? 0;
    let tick: () => void = () => undefined;
    const r = createPlainRenderer({ write: (s) => writes.push(s) }, {
      color: false,
      now: () => new Date(t),
      heartbeatMs: 30_000,
      every: (_ms, fn) => {
        tick = fn;
        return () => (tick = () => undefined);
      },
    });
    for (const e of events) r.onEvent(e);
    const advance = (seconds: number) => {
      t += seconds * 1000;
      tick();
    };
    return { writes, advance, close: () => r.close() };
  }

  it('after 30 s of silence says what the rollout waits for and until when; then again 30 s later; never after close', () => {
    const r = run([ev.started(), ev.revision(4, 0.5), ev.progress(5, unreadyRollout)]);
    const before = r.writes.length;
    r.advance(29);
    expect(r.writes.length).toBe(before);
    r.advance(1);
    expect(r.writes.slice(before)).toEqual([
      '00:35.0 still waiting for Deployment/web (1/2 ready, 2/2 updated); unready grace of Pod/web-7d9c-a1 (container app) ends at 02:05.0 (in 1:30); timeout at 05:00.0 (in 4:25)\n',
    ]);
    r.advance(15);
    expect(r.writes.length).toBe(before + 1);
    r.advance(15);
    expect(r.writes.length).toBe(before + 2);
    r.close();
    r.advance(60);
    expect(r.writes.length).toBe(before + 2);
  });

  it('once every workload is done: the pods staying ready until the stable window ends, then helm\'s own wait', () => {
    const done = snapshot({ workloads: [workload({ desired: 2, updated: 2, ready: 2, available: 2, done: true })], stableAt: at(10) });
    const s = reduceUpgradeEvent(reduceUpgradeEvent(reduceUpgradeEvent(initialViewState(), ev.started()), ev.revision(4, 0.5)), ev.progress(5, done));
    expect(heartbeat(s, at(9))).toMatch(/^still waiting for the pods to stay ready; timeout at/);
    expect(heartbeat(s, at(40))).toMatch(/^still waiting for helm to finish its own wait \(the workloads are healthy\); timeout at/);
    const noWindow = reduceUpgradeEvent(s, ev.progress(6, { ...done, stableAt: undefined }));
    expect(heartbeat(noWindow, at(7))).toMatch(/still waiting for helm to finish its own wait/);
  });

  it('is silent before anything is watched and after the verdict', () => {
    expect(heartbeat(reduceUpgradeEvent(initialViewState(), ev.started()), at(40))).toBeUndefined();
  });

  it('names the timeout when no grace ends before it', () => {
    expect(pendingDeadline(snapshot())).toEqual({ label: 'the timeout', at: at(300) });
  });
});

describe('workload labels', () => {
  it('a running hook Job is not drawn as complete: its bar counts succeeded pods only', () => {
    const running = workload({ kind: 'Job', name: 'migrate', hook: true, desired: 1, updated: 1, ready: 1, available: 0 });
    expect(workloadFraction(running)).toBe(0);
    expect(workloadStatus(running)).toBe('0/1 succeeded, 1 running');
  });

  it('a hook Job that is not there: waiting for its hook, or (seen before) ran and was deleted by helm; no bar either way', () => {
    const absent = workload({ kind: 'Job', name: 'migrate', hook: true, desired: 1, present: false, done: true });
    expect(workloadStatus(absent)).toBe('waiting for helm to run the hook');
    expect(workloadStatus(absent, true)).toBe('ran, then deleted by helm (hook-delete-policy)');
    expect(workloadFraction(absent)).toBe(0);
  });

  it('a hook Job that vanishes after it ran is logged as deleted by helm, once', () => {
    const job = (p: Parameters<typeof workload>[0]) => workload({ kind: 'Job', name: 'migrate', hook: true, desired: 1, ...p });
    let s = reduceUpgradeEvent(initialViewState(), ev.started());
    s = reduceUpgradeEvent(s, ev.progress(1, snapshot({ workloads: [job({ present: false, done: true })] })));
    s = reduceUpgradeEvent(s, ev.progress(2, snapshot({ workloads: [job({ updated: 1, available: 1, done: true })] })));
    s = reduceUpgradeEvent(s, ev.progress(3, snapshot({ workloads: [job({ present: false, done: true })] })));
    s = reduceUpgradeEvent(s, ev.progress(4, snapshot({ workloads: [job({ present: false, done: true })] })));
    expect(s.log.map((l) => l.text).filter((t) => t.startsWith('Job/'))).toEqual([
      'Job/migrate (hook): 1/1 succeeded, complete',
      'Job/migrate (hook): ran, then deleted by helm (hook-delete-policy)',
    ]);
  });

  it('an existing Deployment whose new template helm has not applied yet says so, not "not created yet"', () => {
    const w = workload({ present: false, note: 'previous revision running; helm has not applied this one yet' });
    expect(workloadStatus(w)).toBe('previous revision running; helm has not applied this one yet');
    expect(workloadStatus(workload({ present: false }))).toBe('not created yet');
  });
});
