/**
 * A private tmux server for terminal tests: run commands in panes, read the screen as a person sees it
 * (capture-pane), and await the end of a command as an event (`tmux wait-for`).
 */
import { execFileSync, spawn } from 'node:child_process';

/** One tmux server on its own socket. */
export interface Tmux {
  /** Runs `tmux -L <socket> ...args` and returns its stdout. */
  run(...args: string[]): string;
  /** The pane's screen (with `history` lines of scrollback, joined where tmux wrapped them). */
  screen(pane: string, history?: number): string;
  /** Polls the screen until `predicate` holds: the screen can only be observed by reading it. */
  waitForScreen(pane: string, what: string, predicate: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves when the channel is signalled (`tmux wait-for -S <channel>` in the pane, after the command ended). */
  waitForChannel(channel: string): Promise<void>;
}

export function tmuxOn(socket: string): Tmux {
  const run = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = (pane: string, history = 0) => run('capture-pane', '-p', ...(history > 0 ? ['-J', '-S', `-${history}`] : []), '-t', pane);
  return {
    run,
    screen,
    async waitForScreen(pane, what, predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen(pane);
        if (predicate(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    waitForChannel(channel) {
      return new Promise((resolve, reject) => {
        const waiter = spawn('tmux', ['-L', socket, 'wait-for', channel], { stdio: 'ignore' });
        waiter.on('error', reject);
        waiter.on('close', () => resolve());
      });
    },
  };
}
