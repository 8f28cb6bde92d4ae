/**
 * Ctrl-C in a real terminal while `helm autorollback upgrade` draws its live view, through the REAL helm 3 and 4
 * (the plugin installed from this checkout with `helm plugin install`, as the README says).
 *
 * helm runs the plugin in the terminal's foreground process group and does not wait for it on SIGINT: a
 * cooked-mode Ctrl-C kills helm (exit 130) and the shell prompt comes back while the plugin still rolls back.
 * The plugin reads the terminal in raw mode instead, so Ctrl-C reaches it as a key and helm waits for its exit
 * code. tmux is the terminal; the screen is read with capture-pane; the end of the command is an event
 * (`tmux wait-for`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { helm, withSim, type TestSim } from '../sim/helpers.js';
import { tmuxOn } from './tmux.js';

const repo = process.cwd();
const socket = `autorollback-ctrlc-${process.pid}`;
const t = tmuxOn(socket);
const tmux = t.run;

let sim: TestSim;
let homes: string;

beforeAll(async () => {
  sim = await withSim({ timeScale: 5 });
  homes = mkdtempSync(join(tmpdir(), 'ctrlc-helm-'));
  // One tmux server with a config of its own for both majors; each case opens its own session.
  // The server's environment is the real one of this process (the sandbox's process.env, cleared of CI by
  // test/setup-env.ts, is not what child processes get): drop CI, or the plugin under test would draw plain lines.
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'keep'], { env: { ...process.env, CI: '', CONTINUOUS_INTEGRATION: '' } });
});

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server was started
  }
  await sim?.stop();
  rmSync(homes, { recursive: true, force: true });
});

describe.each([3, 4] as HelmMajor[])('Ctrl-C in a terminal through helm %i', (major) => {
  it('one Ctrl-C during the rollout: the plugin rolls back, helm exits 3, and the prompt comes back after the summary with the terminal restored', async () => {
    const ns = `ctrlc-${major}`;
    const home = join(homes, `helm${major}`);
    const env: Record<string, string> = {
      ...(Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HELM_') && k !== 'CI')) as Record<string, string>),
      HELM_DATA_HOME: join(home, 'data'),
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_CACHE_HOME: join(home, 'cache'),
      KUBECONFIG: sim.kubeconfigPath,
      TERM: 'xterm-256color',
    };
    execFileSync(helmBinary(major), ['plugin', 'install', repo], { env, stdio: 'ignore' });
    const chart = join(repo, 'examples', 'webapp');
    const installed = await helm(sim, major, ['upgrade', '--install', 'shop', chart, '-n', ns, '--create-namespace', '--wait', '--timeout', '60s']);
    expect(installed.code).toBe(0);

    const pane = `helm${major}`;
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    tmux('new-session', '-d', '-s', pane, '-x', '110', '-y', '40', ...envArgs, 'bash --norc --noprofile');
    const done = t.waitForChannel(`done-${major}`);
    tmux('send-keys', '-t', pane, `PS1='PROMPT$ '; unset CI CONTINUOUS_INTEGRATION; clear; ${helmBinary(major)} autorollback upgrade shop ${chart} -n ${ns} --set image.tag=unready; echo EXIT=$?; stty -a | grep -o -- '-\\?icanon' ; tmux -L ${socket} wait-for -S done-${major}`, 'Enter');
    // The live view is up and the new revision's pods are being watched: interrupt now.
    await t.waitForScreen(pane, 'the live view', (t) => t.includes('Pods of revision 2'));
    tmux('send-keys', '-t', pane, 'C-c');
    // If helm died of the Ctrl-C, bash abandons the rest of the command line and never signals: stop waiting then.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, 60_000)))]);
    clearTimeout(timer);

    const lines = t.screen(pane, 200).split('\n').map((l) => l.trimEnd());
    const exitAt = lines.findIndex((l) => /^EXIT=\d+$/.test(l));
    expect(lines[exitAt]).toBe('EXIT=3');
    // The summary came before the shell went on, and nothing was written over the shell afterwards.
    const summaryAt = lines.findIndex((l) => l.startsWith('ROLLED BACK: shop revision 2 failed; back on revision 1, healthy'));
    expect(summaryAt).toBeGreaterThan(-1);
    expect(summaryAt).toBeLessThan(exitAt);
    expect(lines.slice(summaryAt).join('\n')).toMatch(/reason +Interrupted/);
    // The terminal is back in cooked mode (canonical input, Ctrl-C as a signal).
    expect(lines[exitAt + 1]).toBe('icanon');
    expect(lines.slice(exitAt + 2).filter((l) => l !== '' && l !== 'PROMPT$')).toEqual([]);

    const history = await helm(sim, major, ['history', 'shop', '-n', ns, '-o', 'json']);
    const statuses = Object.fromEntries((JSON.parse(history.stdout) as Array<{ revision: number; status: string }>).map((x) => [x.revision, x.status]));
    expect(statuses).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
  }, 120_000);
});
