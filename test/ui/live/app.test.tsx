import { EventEmitter } from 'node:events';
import { render } from 'ink-testing-library';
import type { UpgradeEvent } from '../../../src/domain/upgrade/events.js';
import { LiveUpgradeApp } from '../../../src/ui/live/app.js';
import { renderLiveUpgrade } from '../../../src/ui/live/render.js';
import { createLiveStore } from '../../../src/ui/live/store.js';
import { renderLiveUpgrade as lazyRenderLiveUpgrade } from '../../../src/ui/index.js';
import { at, crashloopRun, ev, healthyRun } from '../fixtures.js';

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Lets React commit the store updates it scheduled (it renders in a microtask, not synchronously). */
function flushRender(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Waits until `condition` holds, re-checking after every turn of the event loop. Bounded by time, not turns:
 * on a loaded machine React and Ink may need many turns (and Ink's render throttle real milliseconds).
 */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await flushRender();
  }
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** Just enough of a TTY write stream for Ink. */
class FakeTty extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  output = '';
  write(chunk: string): boolean {
    this.output += chunk;
    return true;
  }
}

function asStream(tty: FakeTty): NodeJS.WriteStream {
  return tty as unknown as NodeJS.WriteStream;
}

describe('LiveUpgradeApp', () => {
  test('finished lines go to <Static> once; details stay in the live part', async () => {
    const store = createLiveStore(() => at(0));
    const { lastFrame, frames } = render(<LiveUpgradeApp store={store} color={false} tickMs={0} now={() => at(0)} />);
    const run = crashloopRun();
    for (const e of run.slice(0, 5)) store.dispatch(e);
    await until(() => (lastFrame() ?? '').includes('✖ CrashLoopBackOff in Pod/web-7d9c-a1'));
    const during = lastFrame() ?? '';
    expect(count(during, '00:02.2 FAILED: CrashLoopBackOff in Pod/web-7d9c-a1')).toBe(1);
    expect(during).toContain('00:00.5 revision 4 stored; watching 1 workload');
    // The pod's reason is drawn live, not logged above.
    expect(during).not.toContain('pod web-7d9c-a1:');
    expect(during).toContain('  web-7d9c-a1  Running  CrashLoopBackOff  restarts 2  not ready');
    expect(during.split('\n').at(-3)).toBe('✖ CrashLoopBackOff in Pod/web-7d9c-a1 (container app)');

    for (const e of run.slice(5)) store.dispatch(e);
    await until(() => (lastFrame() ?? '').includes('ROLLED BACK'));
    const end = lastFrame() ?? '';
    expect(count(end, 'FAILED: CrashLoopBackOff in Pod/web-7d9c-a1')).toBe(1);
    expect(end).toContain('00:04.1 rollback: healthy again: every workload rolled out and ready');
    expect(end).toContain('ROLLED BACK: web revision 4 failed; back on revision 3, healthy');
    // Static lines that arrived in the same batch as the report are printed once too.
    expect(count(end, '00:04.1 rollback: healthy again')).toBe(1);
    expect(end).not.toContain('Pods of revision 4');
    expect(frames.length).toBeGreaterThan(1);
  });

  test('the clock runs between events from the wall clock, not the service clock', async () => {
    let wall = new Date('2030-01-01T00:00:00Z');
    const store = createLiveStore(() => wall);
    const { lastFrame, rerender, unmount } = render(<LiveUpgradeApp store={store} color={false} tickMs={0} now={() => wall} />);
    for (const e of crashloopRun().slice(0, 4)) store.dispatch(e);
    wall = new Date(wall.getTime() + 10_000);
    rerender(<LiveUpgradeApp store={store} color={false} tickMs={0} now={() => wall} />);
    await until(() => (lastFrame() ?? '').includes('00:12.0'));
    // Last event at 00:02.0 on the service clock, 10 s of wall time since.
    expect(lastFrame()).toContain('00:12.0  timeout in 4:48');
    unmount();
  });
});

describe('renderLiveUpgrade', () => {
  test('draws from an async iterable and exits after the finished event', async () => {
    const tty = new FakeTty();
    async function* events(): AsyncGenerator<UpgradeEvent> {
      for (const e of crashloopRun()) {
        await new Promise((resolve) => setImmediate(resolve));
        yield e;
      }
    }
    const handle = renderLiveUpgrade(events(), { stdout: asStream(tty), color: false, tickMs: 0 });
    await handle.waitUntilExit();
    const text = tty.output.replace(ANSI, '');
    expect(count(text, '00:02.2 FAILED: CrashLoopBackOff')).toBe(1);
    expect(count(text, '00:02.6 rolling back to revision 3')).toBe(1);
    expect(text).toContain('recovered in  4.1s (TTR, from the start of the upgrade)');
    expect(tty.listenerCount('resize')).toBe(0);
  });

  test('long finished lines wrap at the terminal edge, indented under the text', async () => {
    const tty = new FakeTty();
    tty.columns = 60;
    const handle = renderLiveUpgrade(undefined, { stdout: asStream(tty), color: false, tickMs: 0 });
    handle.onEvent(crashloopRun()[0]!);
    handle.onEvent(ev.notice(`${'x'.repeat(40)} ${'y'.repeat(40)} ${'z'.repeat(40)}`, 1, 'warn'));
    handle.unmount();
    await handle.waitUntilExit();
    const rows = tty.output.replace(ANSI, '').split('\n');
    expect(rows.filter((r) => r.length > 60)).toEqual([]);
    expect(rows).toContain(`        ${'y'.repeat(40)}`);
  });

  test('console output while drawing goes above the live part, not through it', async () => {
    const tty = new FakeTty();
    const handle = renderLiveUpgrade(undefined, { stdout: asStream(tty), stderr: asStream(tty), color: false, tickMs: 0 });
    handle.onEvent(crashloopRun()[0]!);
    await flushRender();
    console.log('debug: watching 3 informers');
    handle.unmount();
    await handle.waitUntilExit();
    const text = tty.output.replace(ANSI, '');
    expect(text).toContain('debug: watching 3 informers');
    // The live part is drawn again after the console line.
    expect(text.lastIndexOf('helm autorollback web')).toBeGreaterThan(text.indexOf('debug: watching 3 informers'));
  });

  test('the output ends with exactly one newline, even when the summary fills the terminal', async () => {
    for (const rows of [24, 8]) {
      const tty = new FakeTty();
      tty.rows = rows;
      const handle = renderLiveUpgrade(undefined, { stdout: asStream(tty), color: false, tickMs: 0 });
      for (const e of crashloopRun()) handle.onEvent(e);
      await handle.waitUntilExit();
      const text = tty.output.replace(ANSI, '');
      expect(text.endsWith('  recovered in  4.1s (TTR, from the start of the upgrade)\n')).toBe(true);
    }
  });

  test('follows terminal resizes', async () => {
    const tty = new FakeTty();
    tty.columns = 100;
    const handle = renderLiveUpgrade(undefined, { stdout: asStream(tty), color: false, tickMs: 0 });
    for (const e of crashloopRun().slice(0, 4)) handle.onEvent(e);
    // Ink listens for resizes from the start; the view's own listener is attached by an effect after its first
    // commit, which a loaded machine can delay: emit only once both are there.
    await until(() => tty.listenerCount('resize') >= 2);
    tty.columns = 50;
    tty.output = '';
    tty.emit('resize');
    // Ink redraws at once with the old layout; the view's own re-render follows a turn or two later.
    const narrowHeader = () => tty.output.replace(ANSI, '').split('\n').some((r) => r.startsWith('web · rev 3 → 4'));
    await until(narrowHeader);
    handle.unmount();
    await handle.waitUntilExit();
    // Everything drawn from the first narrow frame on fits the new width.
    const rows = tty.output.replace(ANSI, '').split('\n');
    const from = rows.findIndex((r) => r.startsWith('web · rev 3 → 4'));
    expect(rows.slice(from).filter((r) => r.length > 50)).toEqual([]);
    expect(rows.slice(from)).toContain('  Deployment/web  0/3 ready  1/3 updated');
  });

  test('an iterable that ends without a report still ends the view', async () => {
    const tty = new FakeTty();
    async function* events(): AsyncGenerator<UpgradeEvent> {
      yield* crashloopRun().slice(0, 3);
    }
    const handle = renderLiveUpgrade(events(), { stdout: asStream(tty), color: false, tickMs: 0 });
    await handle.waitUntilExit();
    expect(tty.output.replace(ANSI, '')).toContain('00:00.5 revision 4 stored; watching 1 workload');
  });

  test('a subscribe source, fed by the caller, is unsubscribed on unmount', async () => {
    const tty = new FakeTty();
    const bus = new EventEmitter();
    const source = {
      subscribe(listener: (e: UpgradeEvent) => void) {
        bus.on('event', listener);
        return () => bus.off('event', listener);
      },
    };
    const handle = renderLiveUpgrade(source, { stdout: asStream(tty), color: false, tickMs: 50 });
    for (const e of healthyRun().slice(0, 4)) bus.emit('event', e);
    expect(bus.listenerCount('event')).toBe(1);
    handle.unmount();
    await handle.waitUntilExit();
    expect(bus.listenerCount('event')).toBe(0);
    expect(tty.output.replace(ANSI, '')).toContain('revision 4 stored');
  });

  test('the lazy entry in src/ui/index.ts loads the same view', async () => {
    const tty = new FakeTty();
    const handle = await lazyRenderLiveUpgrade(undefined, { stdout: asStream(tty), color: false, tickMs: 0 });
    for (const e of healthyRun()) handle.onEvent(e);
    await handle.waitUntilExit();
    expect(tty.output.replace(ANSI, '')).toContain('SUCCESS: web revision 4 is healthy');
  });
});
