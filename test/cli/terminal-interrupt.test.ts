import { EventEmitter } from 'node:events';
import { listenForInterrupts, type InterruptName } from '../../src/cli/terminal-interrupt.js';

/** A terminal stdin that records raw-mode switches. */
class FakeTty extends EventEmitter {
  isTTY = true;
  isRaw = false;
  modes: boolean[] = [];
  flowing = false;
  setRawMode(mode: boolean) {
    this.isRaw = mode;
    this.modes.push(mode);
  }
  resume() {
    this.flowing = true;
  }
  pause() {
    this.flowing = false;
  }
}

function setUp(terminal: boolean, tty = new FakeTty()) {
  const signals = new EventEmitter();
  let t = 0;
  const seen: Array<[InterruptName, number]> = [];
  const listener = listenForInterrupts({
    terminal,
    stdin: tty,
    signals: signals as never,
    now: () => t,
    onInterrupt: (name, count) => seen.push([name, count]),
  });
  return { tty, signals, seen, listener, advance: (ms: number) => (t += ms) };
}

describe('listenForInterrupts', () => {
  it('on a terminal reads Ctrl-C as a byte in raw mode, as SIGINT, and restores the terminal on dispose', () => {
    const s = setUp(true);
    expect(s.listener.rawTerminal).toBe(true);
    expect(s.tty.isRaw).toBe(true);
    s.tty.emit('data', Buffer.from('x\u0003'));
    expect(s.seen).toEqual([['SIGINT', 1]]);
    s.tty.emit('data', Buffer.from([3]));
    expect(s.seen).toEqual([['SIGINT', 1], ['SIGINT', 2]]);
    s.listener.dispose();
    expect(s.tty.modes).toEqual([true, false]);
    expect(s.tty.flowing).toBe(false);
    s.tty.emit('data', Buffer.from([3]));
    expect(s.seen).toHaveLength(2);
  });

  it('on a terminal someone else already put in raw mode (Ink taking keys) listens for the byte, leaves the mode alone', () => {
    const tty = new FakeTty();
    tty.isRaw = true;
    const s = setUp(true, tty);
    expect(s.listener.rawTerminal).toBe(true);
    tty.emit('data', Buffer.from([3]));
    expect(s.seen).toEqual([['SIGINT', 1]]);
    s.listener.dispose();
    expect(tty.modes).toEqual([]);
    expect(tty.isRaw).toBe(true);
  });

  it('leaves a non-terminal stdin (and terminal: false) alone', () => {
    const pipe = new FakeTty();
    pipe.isTTY = false;
    expect(setUp(true, pipe).listener.rawTerminal).toBe(false);
    const off = setUp(false);
    expect(off.listener.rawTerminal).toBe(false);
    expect(off.tty.modes).toEqual([]);
  });

  it('counts one SIGTERM delivered twice at once (to the process and to its group) as one interrupt', () => {
    const s = setUp(false);
    s.signals.emit('SIGTERM');
    s.advance(1);
    s.signals.emit('SIGTERM');
    expect(s.seen).toEqual([['SIGTERM', 1]]);
    // A later one is a second interrupt.
    s.advance(500);
    s.signals.emit('SIGTERM');
    expect(s.seen).toEqual([['SIGTERM', 1], ['SIGTERM', 2]]);
  });

  it('counts different signals, even at once, as separate interrupts; stops listening on dispose', () => {
    const s = setUp(false);
    s.signals.emit('SIGINT');
    s.signals.emit('SIGTERM');
    expect(s.seen).toEqual([['SIGINT', 1], ['SIGTERM', 2]]);
    s.listener.dispose();
    expect(s.signals.listenerCount('SIGINT') + s.signals.listenerCount('SIGTERM')).toBe(0);
  });
});
