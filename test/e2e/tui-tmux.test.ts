/**
 * The real live TUI in a real terminal: tmux runs `helm-autorollback upgrade` (the built bundle) against kube-sim
 * with the real helm 4, and the test reads the screen with capture-pane, as a person would see it.
 * The screen can only be observed by reading it, so the mid-run check polls capture-pane with a deadline; the
 * end of the command is awaited with `tmux wait-for`, an event.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { helmBinary } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, withSim, type TestSim } from '../sim/helpers.js';
import { tmuxOn } from './tmux.js';

const repo = process.cwd();
const socket = `autorollback-test-${process.pid}`;
const t = tmuxOn(socket);
const tmux = t.run;
const screen = () => t.screen('tui');
const waitForScreen = (what: string, predicate: (text: string) => boolean) => t.waitForScreen('tui', what, predicate);
const waitForChannel = t.waitForChannel;

describe('live TUI in tmux (helm 4, kube-sim)', () => {
  let sim: TestSim;

  beforeAll(async () => {
    sim = await withSim({ timeScale: 5 });
    const install = await helm(sim, 4, ['upgrade', '--install', 'web', join(repo, 'examples', 'webapp'), '--wait', '--timeout', '60s']);
    expect(install.code).toBe(0);
    const env = { ...helmEnv(sim, 4), HELM_BIN: helmBinary(4), TERM: 'xterm-256color' };
    // A dedicated tmux server whose environment is the test's: the pane's shell inherits KUBECONFIG and HELM_BIN.
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'tui', '-x', '100', '-y', '30', 'bash --norc --noprofile'], {
      env: { ...env, CI: '' },
      cwd: repo,
    });
  });

  afterAll(async () => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    await sim?.stop();
  });

  it('shows the rollout live, the CrashLoopBackOff verdict and the rollback, and exits 3', async () => {
    const done = waitForChannel('upgrade-done');
    tmux('send-keys', '-t', 'tui', `unset CI; node bin/run.js upgrade web examples/webapp --set image.tag=crashloop; echo EXIT=$?; tmux -L ${socket} wait-for -S upgrade-done`, 'Enter');

    // While it runs: the live part with the header, per-workload bars and the pods of the new revision.
    // (While the pre-upgrade hook runs the Deployment reads "previous revision running"; its bar comes once helm
    // applies the new template.)
    const live = await waitForScreen('the live view with the Deployment rolling out', (t) => t.includes('Pods of revision 2') && /Deployment\/web-webapp\s+[█░]+/.test(t));
    expect(live).toMatch(/helm autorollback web · rev 1 → 2 · ns default · helm 4/);
    expect(live).toMatch(/Deployment\/web-webapp\s+[█░]+/);

    await done;
    // With the scrollback: the guard findings push the verdict line above the 30 visible rows.
    const end = t.screen('tui', 200);
    expect(end).toContain('EXIT=3');
    expect(end).toMatch(/FAILED: CrashLoopBackOff in Pod\/web-webapp-[a-z0-9]+-[a-z0-9]+ \(container web\)/);
    expect(end).toContain('rolling back to revision 1');
    expect(end).toContain('ROLLED BACK: web revision 2 failed; back on revision 1, healthy');
    expect(end).toMatch(/recovered in +[\d.]+s \(TTR/);
    // Finished lines are printed once (<Static>), not redrawn with every frame.
    expect(end.split('\n').filter((l) => l.includes('revision 2 stored')).length).toBe(1);

    const status = await helm(sim, 4, ['status', 'web', '-o', 'json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ version: 3, info: { status: 'deployed' } });
  });
});
