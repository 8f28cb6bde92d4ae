/**
 * The watchdog's live view in a real terminal: tmux runs `helm-autorollback watchdog` (the built bundle) against
 * kube-sim with the real helm 4; the test reads the screen with capture-pane and presses d, as a person would.
 * The end of the command is awaited with `tmux wait-for`, an event.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { helmBinary } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, withSim, type TestSim } from '../sim/helpers.js';
import { startExporter, startPrometheus, type Exporter, type TestPrometheus } from '../metrics/prometheus-harness.js';
import { tmuxOn } from './tmux.js';

const repo = process.cwd();
const socket = `autorollback-wd-${process.pid}`;
const t = tmuxOn(socket);

describe('watchdog live view in tmux (helm 4, kube-sim)', () => {
  let sim: TestSim;
  let exporter: Exporter;
  let prometheus: TestPrometheus;
  beforeAll(async () => {
    // A real Prometheus scraping a test exporter, for the metric row of the view.
    exporter = await startExporter();
    exporter.set('web', 0.01);
    prometheus = await startPrometheus(exporter.port);
    await prometheus.waitForSeries('app_error_ratio{release="web"}');
    sim = await withSim({ timeScale: 5 });
    const install = await helm(sim, 4, ['upgrade', '--install', 'web', join(repo, 'examples', 'webapp'), '--wait', '--timeout', '60s']);
    expect(install.code).toBe(0);
    const env = { ...helmEnv(sim, 4), HELM_BIN: helmBinary(4), TERM: 'xterm-256color' };
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'tui', '-x', '110', '-y', '30', 'bash --norc --noprofile'], { env: { ...env, CI: '' }, cwd: repo });
  });
  afterAll(async () => {
    try {
      t.run('kill-server');
    } catch {
      // already gone
    }
    await sim?.stop();
    await prometheus?.stop();
    await exporter?.close();
  });

  it('shows the countdown, the pods and a metric against its threshold; d disarms, releases the lease and exits 0', async () => {
    const done = t.waitForChannel('wd-done');
    const metric = `--prometheus ${prometheus.url} --query 'app_error_ratio{release="{{release}}"}' --fail-if '> 0.05' --query-interval 1s`;
    t.run('send-keys', '-t', 'tui', `unset CI; node bin/run.js watchdog web --for 10m ${metric}; echo EXIT=$?; tmux -L ${socket} wait-for -S wd-done`, 'Enter');
    const live = await t.waitForScreen('tui', 'the countdown and a measured metric', (s) => /verified in 9:\d\d/.test(s) && s.includes('Pods') && /0\.01 \(fails if > 0\.05\)/.test(s));
    expect(live).toContain('Metrics');
    expect(live).toMatch(/helm autorollback watchdog web · rev 1 · ns default · target none/);
    expect(live).toMatch(/web-webapp-[a-z0-9]+-[a-z0-9]+ +ready +restarts 0 \(\+0\)/);
    expect(live).toContain('d disarm · r roll back now · q quit (disarms)');
    expect(sim.store.get('leases.coordination.k8s.io', 'default', 'autorollback-web')).toBeDefined();
    t.run('send-keys', '-t', 'tui', 'd');
    await done;
    const end = t.screen('tui');
    expect(end).toContain('DISARMED: disarmed from the terminal (key d); nothing was changed');
    expect(end).toContain('EXIT=0');
    expect(sim.store.get('leases.coordination.k8s.io', 'default', 'autorollback-web')).toBeUndefined();
  }, 90_000);
});
