/**
 * Interrupts of a long-running command (Ctrl-C, SIGTERM), counted once each, from wherever they come.
 *
 * Why the terminal matters: run as `helm autorollback ...`, the plugin shares the terminal's foreground process
 * group with helm. A Ctrl-C on a terminal in its normal (cooked) mode becomes SIGINT for the whole group; helm
 * does not wait for its plugin, dies with 130, and the shell prints its prompt while the plugin still rolls back.
 * A terminal in raw mode sends Ctrl-C as the byte 0x03 to whoever reads it, and no signal to anyone; so while a
 * command draws on the terminal it reads stdin in raw mode and turns that byte into the same interrupt as
 * SIGINT. helm never sees it and waits for the plugin's exit code. The terminal is put back on every exit path
 * (dispose, process exit including process.exit()).
 *
 * Why signals are deduplicated: coreutils `timeout` (and other supervisors) send SIGTERM to the child and then
 * to its whole process group, so one intended SIGTERM arrives twice within microseconds. The same signal again
 * within `sameSignalWindowMs` is taken as that one delivery; the Ctrl-C byte is never deduplicated (each press
 * is a keystroke of its own).
 */

/** The name an interrupt reports: a signal name; the Ctrl-C byte reports `SIGINT`, like the signal it replaces. */
export type InterruptName = 'SIGINT' | 'SIGTERM';

/** The parts of a terminal stdin this module uses (process.stdin in production). */
export interface InterruptInput {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  isRaw?: boolean;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** Where signals come from (process in production). */
export interface SignalSource {
  on(event: InterruptName, listener: () => void): unknown;
  off(event: InterruptName, listener: () => void): unknown;
}

/** Options of {@link listenForInterrupts}. */
export interface InterruptListenerOptions {
  /**
   * Called once per interrupt: `count` is 1 for the first, 2 for the second... The caller decides what each
   * means (e.g. first: stop and roll back; second: exit at once).
   */
  onInterrupt: (name: InterruptName, count: number) => void;
  /**
   * Take Ctrl-C from the terminal as a byte (raw mode) when `stdin` is a TTY. Set it while the command draws
   * on the terminal (live view, plain log on a TTY). Default false.
   */
  terminal?: boolean;
  /** Default process.stdin. */
  stdin?: InterruptInput;
  /** Default process. */
  signals?: SignalSource;
  /** Monotonic milliseconds for the deduplication window; default performance.now(). */
  now?: () => number;
  /** A repeat of the same signal within this many ms is the same interrupt (default 200). */
  sameSignalWindowMs?: number;
}

/** What {@link listenForInterrupts} returns. */
export interface InterruptListener {
  /** Whether Ctrl-C is read from the terminal as a byte (raw mode is on). */
  readonly rawTerminal: boolean;
  /** How many interrupts were counted so far. */
  readonly count: number;
  /** Stops listening and restores the terminal. Idempotent. */
  dispose(): void;
}

const CTRL_C = 0x03;

/**
 * A repeat of the same signal within this many ms is the same delivery (a supervisor's signal to the process
 * and to its group arrive microseconds apart). Far below how fast a person or a script reacts to the first.
 */
export const SAME_SIGNAL_WINDOW_MS = 200;

/** Terminals currently in raw mode because of us: restored when the process exits, however it exits. */
const rawInputs = new Set<InterruptInput>();
let exitHookInstalled = false;

function restoreAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const input of rawInputs) restore(input);
    rawInputs.clear();
  });
}

function restore(input: InterruptInput): void {
  try {
    input.setRawMode?.(false);
  } catch {
    // the terminal is gone (hangup): nothing to restore
  }
  input.pause();
}

/** Starts counting interrupts from SIGINT, SIGTERM and (on a terminal, in raw mode) the Ctrl-C byte. */
export function listenForInterrupts(options: InterruptListenerOptions): InterruptListener {
  const signals: SignalSource = options.signals ?? process;
  const stdin: InterruptInput = options.stdin ?? process.stdin;
  const now = options.now ?? (() => performance.now());
  const windowMs = options.sameSignalWindowMs ?? SAME_SIGNAL_WINDOW_MS;
  let count = 0;
  let last: { name: InterruptName; at: number } | undefined;
  let disposed = false;

  const fire = (name: InterruptName) => {
    if (disposed) return;
    count += 1;
    options.onInterrupt(name, count);
  };
  const onSignal = (name: InterruptName) => () => {
    const at = now();
    const repeat = last !== undefined && last.name === name && at - last.at < windowMs;
    last = { name, at };
    if (!repeat) fire(name);
  };
  const onSigint = onSignal('SIGINT');
  const onSigterm = onSignal('SIGTERM');
  signals.on('SIGINT', onSigint);
  signals.on('SIGTERM', onSigterm);

  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (const byte of bytes) if (byte === CTRL_C) fire('SIGINT');
  };
  let rawTerminal = false;
  // Whether we switched raw mode on (and so must switch it off). A terminal already in raw mode belongs to
  // someone else (Ink's useInput, for views that take keys): we only listen for the Ctrl-C byte there.
  let ownsRawMode = false;
  if (options.terminal && stdin.isTTY === true) {
    if (stdin.isRaw === true) {
      rawTerminal = true;
    } else if (typeof stdin.setRawMode === 'function') {
      try {
        stdin.setRawMode(true);
        rawTerminal = ownsRawMode = true;
      } catch {
        rawTerminal = false; // not a real terminal after all: signals still work
      }
    }
    if (ownsRawMode) {
      restoreAllOnExit();
      rawInputs.add(stdin);
    }
    if (rawTerminal) {
      stdin.on('data', onData);
      stdin.resume();
    }
  }

  return {
    get rawTerminal() {
      return rawTerminal;
    },
    get count() {
      return count;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      signals.off('SIGINT', onSigint);
      signals.off('SIGTERM', onSigterm);
      if (rawTerminal) stdin.off('data', onData);
      if (ownsRawMode) {
        rawInputs.delete(stdin);
        restore(stdin);
      }
    },
  };
}
