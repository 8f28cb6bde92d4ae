/**
 * The history picker for real: tmux runs `helm-autorollback history` (the built bundle) against kube-sim with the
 * real helm 4; the test presses keys and reads the screen with capture-pane, as a person would. The screen can
 * only be observed by reading it, so each step polls capture-pane with a deadline; the end of the command is
 * awaited with `tmux wait-for`, an event.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { helmBinary } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, withSim, type TestSim } from '../sim/helpers.js';
import { tmuxOn } from './tmux.js';

const repo = process.cwd();
const socket = `autorollback-picker-${process.pid}`;
const t = tmuxOn(socket);
const tmux = t.run;
const screen = () => t.screen('pick');
const keys = (...k: string[]) => tmux('send-keys', '-t', 'pick', ...k);
const waitForScreen = (what: string, predicate: (text: string) => boolean) => t.waitForScreen('pick', what, predicate);
const waitForChannel = (channel: string) => t.waitForChannel(channel);

describe('history picker in tmux (helm 4, kube-sim, 80x24)', () => {
  let sim: TestSim;

  beforeAll(async () => {
    sim = await withSim({ timeScale: 5 });
    const chart = join(repo, 'examples', 'webapp');
    for (const tag of ['1.27', '1.28', '1.29']) {
      const r = await helm(sim, 4, ['upgrade', '--install', 'web', chart, '--set', `image.tag=${tag}`, '--wait', '--timeout', '60s']);
      expect(r.code).toBe(0);
    }
    const env = { ...helmEnv(sim, 4), HELM_BIN: helmBinary(4), TERM: 'xterm-256color' };
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'pick', '-x', '80', '-y', '24', 'bash --norc --noprofile'], {
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

  it('q leaves without a change', async () => {
    const done = waitForChannel('quit-done');
    keys(`clear; unset CI; node bin/run.js history web; echo EXIT=$?; tmux -L ${socket} wait-for -S quit-done`, 'Enter');
    await waitForScreen('the picker', (t) => t.includes('G last known good 2') && t.includes('vs 3:'));
    keys('q');
    await done;
    const end = screen();
    expect(end).toContain('no revision chosen; nothing was changed');
    expect(end).toContain('EXIT=0');
    const history = await helm(sim, 4, ['history', 'web', '-o', 'json']);
    expect(JSON.parse(history.stdout)).toHaveLength(3);
  });

  it('lists, selects, shows the diff, confirms and watches the rollback', async () => {
    const done = waitForChannel('pick-done');
    keys(`clear; unset CI; node bin/run.js history web; echo EXIT=$?; tmux -L ${socket} wait-for -S pick-done`, 'Enter');
    const list = await waitForScreen('the list', (t) => /G\s+2 superseded/.test(t) && t.includes('vs 3:'));
    expect(list).toMatch(/D\s+3 deployed/);
    expect(list).toMatch(/revision 2: webapp-[\d.]+ \(app [\d.]+\) · superseded/);
    // Values tab first: the image tag going back from 1.29 to 1.28.
    expect(list).toMatch(/-\s+tag: ["']?1\.29["']?/);
    expect(list).toMatch(/\+\s+tag: ["']?1\.28["']?/);

    keys('j'); // revision 1
    await waitForScreen('revision 1 selected', (t) => t.includes('revision 1: webapp'));
    keys('k');
    await waitForScreen('revision 2 selected again', (t) => t.includes('revision 2: webapp'));
    keys('2');
    let manifest = await waitForScreen('the manifest tab', (t) => t.includes('[2 manifest]') && t.includes('ConfigMap default/web-webapp (changed)'));
    const pages = [manifest];
    // Scroll a page at a time (space) until the Deployment's image change is on screen.
    for (let page = 0; !/^\s*-\s+image: ["']?nginx:1\.29["']?/m.test(manifest); page++) {
      expect(page).toBeLessThan(6);
      const before = /(\d+)-\d+\/\d+/.exec(manifest)?.[1];
      keys('Space');
      manifest = await waitForScreen('the next page', (t) => /(\d+)-\d+\/\d+/.exec(t)?.[1] !== before);
      pages.push(manifest);
    }
    expect(pages.join('\n')).toContain('Deployment default/web-webapp (changed)');

    keys('Enter');
    const confirm = await waitForScreen('the confirmation', (t) => t.includes('Roll back web (default) to revision 2?') && t.includes('y/Enter'));
    expect(confirm).toMatch(/from revision 3 \(deployed\) to 2/);
    keys('y');

    await done;
    const end = screen();
    expect(end).toMatch(/web rolled back to revision 2 \(revision 4\): healthy/);
    expect(end).toContain('EXIT=0');
    const history = JSON.parse((await helm(sim, 4, ['history', 'web', '-o', 'json'])).stdout) as Array<{ revision: number; status: string; description: string }>;
    expect(history.at(-1)).toMatchObject({ revision: 4, status: 'deployed', description: 'Rollback to 2' });
  });
  it('w arms a watchdog on the deployed revision with the selected revision as its rollback target', async () => {
    const done = waitForChannel('watch-done');
    keys(`clear; unset CI; node bin/run.js history web --watchdog 3s --no-tui; echo EXIT=$?; tmux -L ${socket} wait-for -S watch-done`, 'Enter');
    const list = await waitForScreen('the picker with the w key', (t) => t.includes('w watchdog') && /G last known good \d+/.test(t));
    const deployed = Number(/D deployed (\d+)/.exec(list)?.[1]);
    const selected = Number(/G last known good (\d+)/.exec(list)?.[1]);
    expect(selected).toBeLessThan(deployed);
    keys('w');
    await done;
    const end = tmux('capture-pane', '-p', '-J', '-t', 'pick'); // -J: lines the 80 columns wrapped, joined
    expect(end).toContain(`watchdog armed on web revision ${deployed} (namespace default)`);
    expect(end).toContain(`rollback target: revision ${selected}`);
    expect(end).toContain(`VERIFIED: web revision ${deployed} stayed healthy for the whole bake`);
    expect(end).toContain('EXIT=0');
    // Async: the simulator answers from this process.
    const history = await promisify(execFile)('node', ['bin/run.js', 'history', 'web', '-o', 'json'], { cwd: repo, env: { ...process.env, ...helmEnv(sim, 4), CI: '1' }, encoding: 'utf8' });
    const rows = (JSON.parse(history.stdout) as { rows: Array<{ revision: number; verdict?: string }> }).rows;
    expect(JSON.stringify(rows.find((r) => r.revision === deployed))).toContain('verified');
  });
});
