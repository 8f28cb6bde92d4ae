/**
 * The end-to-end cases of `helm autorollback upgrade`, run against kube-sim with the REAL helm of one major:
 * the CLI from the built bundle (bin/run.js -> dist/bundle/run.mjs; `npm test` builds it first), a fresh
 * simulator per test file (time scale 5: kubelet and controller durations are 5x faster, our own grace periods
 * and helm's timeouts stay real), one namespace per case so the cases never see each other's objects.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UpgradeReport } from '../../src/domain/upgrade/report.js';
import { SAME_SIGNAL_WINDOW_MS } from '../../src/cli/terminal-interrupt.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { startWebhookReceiver } from '../notify/webhook-receiver.js';
import { helm, helmEnv, run, waitFor, withSim, writeChart, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const cli = join(repo, 'bin', 'run.js');
const webapp = join(repo, 'examples', 'webapp');

/** A small chart whose every failure mode is a value (image, a ConfigMap reference, memory, deadline, hook); shared with the benchmark. */
const probeChart = join(repo, 'test', 'charts', 'probe');

/** A chart with a Deployment in the release namespace and a worker Deployment in another namespace. */
const twoNamespaceChart: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: twons\nversion: 0.1.0\n',
  'values.yaml': 'workerNamespace: workers\nworkerImage: nginx:1.27\n',
  'templates/deployments.yaml': `{{- range $i, $d := list (dict "name" "front" "ns" $.Release.Namespace "image" "nginx:1.27") (dict "name" "worker" "ns" $.Values.workerNamespace "image" $.Values.workerImage) }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $.Release.Name }}-{{ $d.name }}
  namespace: {{ $d.ns }}
spec:
  replicas: 1
  selector:
    matchLabels: { app: {{ $.Release.Name }}-{{ $d.name }} }
  template:
    metadata:
      labels: { app: {{ $.Release.Name }}-{{ $d.name }} }
    spec:
      containers:
        - name: app
          image: {{ $d.image | quote }}
{{- end }}
`,
};

/** The result of one CLI run. */
interface CliRun {
  code: number | null;
  stderr: string;
  report?: UpgradeReport;
}

/** One helm major's e2e context. */
export interface UpgradeE2E {
  sim: TestSim;
  major: HelmMajor;
  probe: string;
  autorollback(args: string[]): Promise<CliRun>;
  /**
   * Runs the CLI and sends `signal` when a stderr line matches `when`: to the CLI only, or (`group`) to its
   * whole process group, helm included, as a terminal's Ctrl-C does.
   */
  /**
   * Runs the CLI and sends `signal` when a stderr line matches `when`: to the CLI only, to its whole process
   * group (`group: true`, a terminal's Ctrl-C), or first to the CLI and then to its group (`'timeout'`, what
   * coreutils `timeout` does with its one SIGTERM). `again`: a second signal once a line matches it, and no
   * sooner than SAME_SIGNAL_WINDOW_MS after the first (a repeat inside that window is the same delivery).
   */
  autorollbackInterrupted(args: string[], when: RegExp, signal: NodeJS.Signals, group?: boolean | 'timeout', again?: RegExp): Promise<CliRun & { signalled: boolean }>;
  helm(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  status(release: string, namespace: string): Promise<{ status: string; version: number }>;
  historyStatuses(release: string, namespace: string): Promise<Record<number, string>>;
}

async function setUp(major: HelmMajor): Promise<UpgradeE2E> {
  if (!existsSync(join(repo, 'dist', 'bundle', 'run.mjs'))) throw new Error('dist/bundle/run.mjs missing: run `npm run build` first');
  const sim = await withSim({ timeScale: 5 });
  const probe = probeChart;
  const env = helmEnv(sim, major, { HELM_BIN: helmBinary(major), CI: '1', NO_COLOR: '1' });
  const ctx: UpgradeE2E = {
    sim,
    major,
    probe,
    async autorollback(args) {
      const r = await run(process.execPath, [cli, 'upgrade', ...args, '--json'], env, 120_000);
      let report: UpgradeReport | undefined;
      try {
        report = r.stdout.trim() ? (JSON.parse(r.stdout) as UpgradeReport) : undefined;
      } catch {
        throw new Error(`stdout is not JSON:\n${r.stdout}\n--- stderr:\n${r.stderr}`);
      }
      return { code: r.code, stderr: r.stderr, ...(report ? { report } : {}) };
    },
    autorollbackInterrupted(args, when, signal, group = false, again) {
      return new Promise((resolve, reject) => {
        // detached: the CLI leads its own process group, which helm (its child) joins.
        const child = spawn(process.execPath, [cli, 'upgrade', ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: group !== false });
        let stdout = '';
        let stderr = '';
        let partial = '';
        let signalled = false;
        let signalledAgain = false;
        let firstAt = 0;
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          partial += c.toString();
          const lines = partial.split('\n');
          partial = lines.pop() ?? '';
          const send = () => {
            if (group === 'timeout' && child.pid !== undefined) {
              child.kill(signal);
              process.kill(-child.pid, signal);
            } else if (group && child.pid !== undefined) process.kill(-child.pid, signal);
            else child.kill(signal);
          };
          if (!signalled && lines.some((l) => when.test(l))) {
            signalled = true;
            firstAt = performance.now();
            send();
          } else if (signalled && again && !signalledAgain && lines.some((l) => again.test(l))) {
            signalledAgain = true;
            // The second interrupt is a separate one only outside the window (the input, not a wait for an event).
            const wait = Math.max(0, firstAt + SAME_SIGNAL_WINDOW_MS + 50 - performance.now());
            setTimeout(send, wait);
          }
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          try {
            const report = stdout.trim() ? (JSON.parse(stdout) as UpgradeReport) : undefined;
            resolve({ code, stderr, signalled, ...(report ? { report } : {}) });
          } catch {
            reject(new Error(`stdout is not JSON:\n${stdout}\n--- stderr:\n${stderr}`));
          }
        });
      });
    },
    helm: (args) => helm(sim, major, args),
    async status(release, namespace) {
      const r = await helm(sim, major, ['status', release, '-n', namespace, '-o', 'json']);
      if (r.code !== 0) return { status: `absent (${r.stderr.trim()})`, version: 0 };
      const j = JSON.parse(r.stdout) as { info: { status: string }; version: number };
      return { status: j.info.status, version: j.version };
    },
    async historyStatuses(release, namespace) {
      const r = await helm(sim, major, ['history', release, '-n', namespace, '-o', 'json']);
      const rows = JSON.parse(r.stdout) as Array<{ revision: number; status: string }>;
      return Object.fromEntries(rows.map((x) => [x.revision, x.status]));
    },
  };
  return ctx;
}

/** Deployment `name` in `namespace` is fully rolled out and ready, as the simulator's store holds it. */
function deploymentReady(sim: TestSim, namespace: string, name: string): boolean {
  const d = sim.store.get('deployments.apps', namespace, name) as
    | { metadata: { generation?: number }; spec?: { replicas?: number }; status?: Record<string, number> }
    | undefined;
  if (!d) return false;
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return s.observedGeneration === d.metadata.generation && s.updatedReplicas === want && s.readyReplicas === want && (s.replicas ?? 0) === want;
}

/** The failure modes that must end in exit 3 with the release back on revision 1, healthy. */
const failureModes: Array<{ mode: string; set: string[]; installSet?: string[]; flags?: string[]; reasons: string[] }> = [
  { mode: 'crashloop', set: ['image=crashloop:1'], reasons: ['CrashLoopBackOff', 'TooManyRestarts'] },
  // No readiness probe: the pod is Ready the moment its container starts, so the Deployment's counts say
  // "ready" until its container exits; that moment must not pass for healthy.
  { mode: 'crashloop-no-probe', set: ['image=crashloop:1'], installSet: ['readiness=false', 'replicas=1'], reasons: ['CrashLoopBackOff', 'TooManyRestarts'] },
  { mode: 'missing-image', set: ['image=missing:1'], reasons: ['ErrImagePull', 'ImagePullBackOff'] },
  { mode: 'oom', set: ['image=oom:1'], reasons: ['OOMKilled'] },
  { mode: 'missing-configmap', set: ['configMapRef=does-not-exist'], reasons: ['CreateContainerConfigError'] },
  { mode: 'unschedulable', set: ['memory=4000Gi'], flags: ['--unschedulable-grace', '2s'], reasons: ['Unschedulable'] },
  { mode: 'unready', set: ['image=unready:1'], flags: ['--unready-grace', '3s'], reasons: ['Unready'] },
  { mode: 'hook', set: ['hook.enabled=true', 'hook.image=fail:1'], reasons: ['HookFailed', 'JobFailed'] },
  { mode: 'deadline', set: ['image=slow-start-600s:1', 'progressDeadlineSeconds=10'], reasons: ['ProgressDeadlineExceeded'] },
];

/**
 * Defines the e2e suite for one helm major. `modes` picks the failure modes (all by default) so the two
 * majors can share the run time.
 */
export function defineUpgradeE2E(major: HelmMajor, modes: readonly string[] = failureModes.map((m) => m.mode)): void {
  describe(`helm autorollback upgrade with helm ${major} on kube-sim`, () => {
    let e: UpgradeE2E;
    beforeAll(async () => {
      e = await setUp(major);
    });
    afterAll(async () => {
      await e?.sim.stop();
    });

    it('a healthy upgrade of examples/webapp exits 0 and records the revision healthy in the ledger', async () => {
      const ns = 'healthy';
      expect((await e.helm(['upgrade', '--install', 'web', webapp, '-n', ns, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
      const r = await e.autorollback(['web', webapp, '-n', ns, '--set', 'image.tag=1.28', '--timeout', '60s']);
      expect(r.report?.outcome).toBe('healthy');
      expect(r.code).toBe(0);
      expect(r.report).toMatchObject({ fromRevision: 1, attemptedRevision: 2 });
      expect(r.report?.timings.ttrMs).toBeGreaterThan(0);
      expect(await e.status('web', ns)).toEqual({ status: 'deployed', version: 2 });
      const ledger = e.sim.store.get('configmaps', ns, 'autorollback-web') as { data?: Record<string, string> } | undefined;
      expect(JSON.parse(ledger?.data?.['revision.2'] ?? '{}')).toMatchObject({ verdict: 'healthy' });
    });

    it('webapp crash-looping after an upgrade is rolled back: exit 3, history failed, back on revision 1', async () => {
      const ns = 'web-crash';
      expect((await e.helm(['upgrade', '--install', 'web', webapp, '-n', ns, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
      const hooks = await startWebhookReceiver();
      const r = await e
        .autorollback(['web', webapp, '-n', ns, '--set', 'image.repository=crashloop', '--notify', `${hooks.base}/json-token`, '--notify', `slack=${hooks.base}/slack-token`])
        .finally(() => hooks.close());
      expect(r.report?.outcome).toBe('rolled-back');
      expect(r.code).toBe(3);
      expect(['CrashLoopBackOff', 'TooManyRestarts']).toContain(r.report?.failure?.reason);
      expect(r.report?.rollback).toMatchObject({ toRevision: 1, newRevision: 3 });
      expect(await e.historyStatuses('web', ns)).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
      expect(deploymentReady(e.sim, ns, 'web-webapp')).toBe(true);
      // --notify: one event per target, delivered before the CLI exited; the webhook URLs never printed
      const byPath = Object.fromEntries(hooks.received.map((x) => [x.path, JSON.parse(x.body) as Record<string, unknown>]));
      expect(byPath['/json-token']).toMatchObject({ type: 'helm-autorollback.rolled-back', source: 'upgrade', release: 'web', namespace: ns, revision: 2, toRevision: 1, newRevision: 3 });
      expect(byPath['/slack-token']?.text).toMatch(/^:rewind: web \(web-crash\): revision 2 rolled back to 1 by autorollback upgrade: /);
      expect(hooks.received).toHaveLength(2);
      expect(r.stderr).not.toContain('token');
    });

    for (const m of failureModes.filter((f) => modes.includes(f.mode))) {
      it(`${m.mode}: exit 3, reason ${m.reasons.join('/')}, release back on revision 1 and healthy`, async () => {
        const ns = `mode-${m.mode}`;
        const installSets = (m.installSet ?? []).flatMap((s) => ['--set', s]);
        expect((await e.helm(['upgrade', '--install', 'app', e.probe, '-n', ns, '--create-namespace', ...installSets, '--wait', '--timeout', '60s'])).code).toBe(0);
        const sets = [...(m.installSet ?? []), ...m.set].flatMap((s) => ['--set', s]);
        const r = await e.autorollback(['app', e.probe, '-n', ns, ...sets, ...(m.flags ?? []), '--timeout', '90s']);
        expect({ outcome: r.report?.outcome, code: r.code }).toEqual({ outcome: 'rolled-back', code: 3 });
        expect(m.reasons).toContain(r.report?.failure?.reason);
        expect(r.report?.timings.ttdMs).toBeLessThan(5_000);
        expect(r.report?.rollback).toMatchObject({ toRevision: 1, newRevision: 3 });
        const history = await e.historyStatuses('app', ns);
        expect(history[2]).toBe('failed');
        expect(history[3]).toBe('deployed');
        expect(deploymentReady(e.sim, ns, 'app')).toBe(true);
      });
    }

    it('a crash after helm\'s wait already succeeded is rolled back, and history still records the revision failed', async () => {
      const ns = 'late-crash';
      const base = ['app', e.probe, '-n', ns];
      expect((await e.helm(['upgrade', '--install', ...base, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
      // Ready at once, exits 15 simulated seconds (3 s) later: helm's --wait is usually satisfied by then.
      const r = await e.autorollback([...base, '--set', 'image=crash-after-15s:2']);
      expect({ outcome: r.report?.outcome, code: r.code }).toEqual({ outcome: 'rolled-back', code: 3 });
      expect(await e.historyStatuses('app', ns)).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
      const rev2 = await e.helm(['status', 'app', '-n', ns, '--revision', '2', '-o', 'json']);
      // Either helm recorded it (stopped while waiting) or we did after the rollback (helm had called it deployed).
      expect((JSON.parse(rev2.stdout) as { info: { description: string } }).info.description).toMatch(/autorollback: CrashLoopBackOff|TooManyRestarts|context canceled/);
    });

    it('works the same with the ConfigMap storage driver (--driver configmap)', async () => {
      const ns = 'cm-driver';
      const base = ['app', e.probe, '-n', ns];
      expect((await helm(e.sim, major, ['upgrade', '--install', ...base, '--create-namespace', '--wait', '--timeout', '60s'], { HELM_DRIVER: 'configmap' })).code).toBe(0);
      const r = await e.autorollback([...base, '--driver', 'configmap', '--set', 'image=oom:2']);
      expect({ outcome: r.report?.outcome, code: r.code, reason: r.report?.failure?.reason }).toEqual({ outcome: 'rolled-back', code: 3, reason: 'OOMKilled' });
      const records = e.sim.store.list('configmaps', { namespace: ns, labelSelector: 'owner=helm,name=app' }).items as Array<{ metadata: { labels: Record<string, string> } }>;
      expect(Object.fromEntries(records.map((c) => [c.metadata.labels.version, c.metadata.labels.status]))).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
      expect(e.sim.store.list('secrets', { namespace: ns }).items).toHaveLength(0);
    });

    it('skips revisions that failed (helm status) or that the ledger records unhealthy', async () => {
      const ns = 'skip';
      const base = ['app', e.probe, '-n', ns];
      expect((await e.helm(['upgrade', '--install', ...base, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0); // 1
      // 2: fails in helm's own eyes (its --wait times out on a never-ready image).
      expect((await e.helm(['upgrade', ...base, '--set', 'image=unready:2', '--wait', '--timeout', '3s'])).code).not.toBe(0);
      // 3: helm calls it deployed; an earlier autorollback run (seeded here) judged it unhealthy.
      expect((await e.helm(['upgrade', ...base, '--set', 'image=nginx:1.28'])).code).toBe(0);
      e.sim.store.create('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'autorollback-app', namespace: ns },
        data: {
          format: 'autorollback.ledger/v1',
          'revision.3': JSON.stringify({ verdict: 'failed', reason: 'CrashLoopBackOff', decidedAt: new Date().toISOString() }),
        },
      });
      const r = await e.autorollback([...base, '--set', 'image=missing:4']);
      expect({ outcome: r.report?.outcome, code: r.code }).toEqual({ outcome: 'rolled-back', code: 3 });
      expect(r.report?.rollback?.toRevision).toBe(1);
      expect(await e.status('app', ns)).toEqual({ status: 'deployed', version: 5 });
    });

    it('Ctrl-C (SIGINT to the CLI only) while the new revision is still starting: helm stopped, revision failed, rolled back, exit 3', async () => {
      const ns = 'interrupt';
      const base = ['app', e.probe, '-n', ns];
      expect((await e.helm(['upgrade', '--install', ...base, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
      // Ready only after 60 simulated seconds: nothing fails, the rollout is simply in progress when interrupted.
      const r = await e.autorollbackInterrupted([...base, '--set', 'image=slow-start-60s:2', '--no-tui'], /revision 2 stored/, 'SIGINT');
      expect(r.signalled).toBe(true);
      expect({ outcome: r.report?.outcome, code: r.code, reason: r.report?.failure?.reason }).toEqual({ outcome: 'rolled-back', code: 3, reason: 'Interrupted' });
      expect(r.report?.rollback).toMatchObject({ toRevision: 1, newRevision: 3 });
      expect(r.stderr).toMatch(/interrupted \(SIGINT\): stopping helm, then rolling back/);
      expect(await e.historyStatuses('app', ns)).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
      expect(deploymentReady(e.sim, ns, 'app')).toBe(true);
    });

    it('Ctrl-C in a terminal (SIGINT to the CLI\'s whole process group): still rolled back, exit 3', async () => {
      const ns = 'interrupt-group';
      const base = ['app', e.probe, '-n', ns];
      expect((await e.helm(['upgrade', '--install', ...base, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
      const r = await e.autorollbackInterrupted([...base, '--set', 'image=slow-start-60s:2', '--no-tui'], /revision 2 stored/, 'SIGINT', true);
      expect({ outcome: r.report?.outcome, code: r.code, reason: r.report?.failure?.reason }).toEqual({ outcome: 'rolled-back', code: 3, reason: 'Interrupted' });
      expect(await e.historyStatuses('app', ns)).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
      expect(deploymentReady(e.sim, ns, 'app')).toBe(true);
    });

    it('Ctrl-C in a terminal during the rollback: the rollback goes on (helm runs in its own process group), exit 3', async () => {
      const ns = 'interrupt-rollback';
      const base = ['app', e.probe, '-n', ns];
      // Revision 1 takes 20 simulated seconds (4 s) to get ready, so the rollback to it is still running when interrupted.
      expect((await e.helm(['upgrade', '--install', ...base, '--create-namespace', '--set', 'image=slow-start-20s:1', '--wait', '--timeout', '60s'])).code).toBe(0);
      const r = await e.autorollbackInterrupted([...base, '--set', 'image=missing:2', '--no-tui'], /rollback: revision 3 stored/, 'SIGINT', true);
      expect(r.signalled).toBe(true);
      expect({ outcome: r.report?.outcome, code: r.code }).toEqual({ outcome: 'rolled-back', code: 3 });
      expect(['ErrImagePull', 'ImagePullBackOff']).toContain(r.report?.failure?.reason);
      expect(r.stderr).toMatch(/interrupted \(SIGINT\): the rollback continues; interrupt again to abandon it/);
      expect(await e.historyStatuses('app', ns)).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
      expect(deploymentReady(e.sim, ns, 'app')).toBe(true);
    });

    it('a second Ctrl-C abandons at once: exit 4, one line with the state and the exact recovery command', async () => {
      const ns = 'interrupt-twice';
      const base = ['app', e.probe, '-n', ns];
      // Revision 2 scales the Deployment down to 1, so the rollback to revision 1 must start a pod that takes 20
      // simulated seconds (4 s) to get ready: both interrupts land while the rollback runs.
      expect((await e.helm(['upgrade', '--install', ...base, '--create-namespace', '--set', 'image=slow-start-20s:1', '--wait', '--timeout', '60s'])).code).toBe(0);
      const r = await e.autorollbackInterrupted([...base, '--set', 'image=missing:2', '--set', 'replicas=1', '--no-tui'], /rollback: revision 3 stored/, 'SIGINT', false, /interrupted \(SIGINT\)/);
      expect(r.code).toBe(4);
      // --json still gets an object: the error, with the same line stderr ends with.
      expect(r.report).toMatchObject({ outcome: 'error', exitCode: 4, message: expect.stringMatching(/^interrupted again: /) });
      const last = r.stderr.trim().split('\n').pop() ?? '';
      expect(last).toMatch(new RegExp(`^Error: interrupted again: abandoned the rollback of "app" to revision 1 .*recover with: helm rollback app 1 -n ${ns}$`));
    });

    it('one SIGTERM delivered twice (to the CLI, then to its process group, as coreutils timeout does) is one interrupt: rolled back, exit 3, --json printed', async () => {
      const ns = 'interrupt-timeout';
      const base = ['app', e.probe, '-n', ns];
      expect((await e.helm(['upgrade', '--install', ...base, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
      const r = await e.autorollbackInterrupted([...base, '--set', 'image=slow-start-60s:2', '--no-tui'], /revision 2 stored/, 'SIGTERM', 'timeout');
      expect({ outcome: r.report?.outcome, code: r.code, reason: r.report?.failure?.reason }).toEqual({ outcome: 'rolled-back', code: 3, reason: 'Interrupted' });
      expect(r.stderr).not.toMatch(/interrupted again/);
      expect(await e.historyStatuses('app', ns)).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
    });

    it('a workload the manifest puts in another namespace is watched too: its failure is caught and rolled back', async () => {
      const ns = 'twons';
      const chart = writeChart(e.sim.dir, 'twons', twoNamespaceChart);
      e.sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'workers' } });
      expect((await e.helm(['upgrade', '--install', 'app', chart, '-n', ns, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
      const r = await e.autorollback(['app', chart, '-n', ns, '--set', 'workerImage=missing:2', '--timeout', '60s']);
      expect({ outcome: r.report?.outcome, code: r.code }).toEqual({ outcome: 'rolled-back', code: 3 });
      expect(['ErrImagePull', 'ImagePullBackOff']).toContain(r.report?.failure?.reason);
      expect(r.report?.timings.ttdMs).toBeLessThan(5_000);
      expect(await e.historyStatuses('app', ns)).toEqual({ 1: 'superseded', 2: 'failed', 3: 'deployed' });
      expect(deploymentReady(e.sim, 'workers', 'app-worker')).toBe(true);
    });

    it('a failing first install is uninstalled (exit 3)', async () => {
      const ns = 'first';
      const r = await e.autorollback(['fresh', e.probe, '-n', ns, '--create-namespace', '--set', 'image=crashloop:1']);
      expect({ outcome: r.report?.outcome, code: r.code }).toEqual({ outcome: 'rolled-back', code: 3 });
      expect(r.report?.rollback?.toRevision).toBeNull();
      expect((await e.status('fresh', ns)).status).toMatch(/^absent/);
    });

    it('a rollback that fails too (--to-revision to a broken revision) exits 4, loudly', async () => {
      const ns = 'rb-fail';
      const base = ['app', e.probe, '-n', ns];
      expect((await e.helm(['upgrade', '--install', ...base, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0); // 1
      expect((await e.helm(['upgrade', ...base, '--set', 'image=missing:2'])).code).toBe(0); // 2: broken, helm did not wait
      const r = await e.autorollback([...base, '--set', 'image=crashloop:3', '--to-revision', '2']);
      expect({ outcome: r.report?.outcome, code: r.code }).toEqual({ outcome: 'rollback-failed', code: 4 });
      expect(r.report?.rollback?.toRevision).toBe(2);
      expect(r.stderr).toMatch(/roll ?back/i);
    });

    it('refuses a release stuck in pending-upgrade (exit 2, recovery command), and --recover-pending recovers it', async () => {
      const ns = 'pending';
      const base = ['app', e.probe, '-n', ns];
      expect((await e.helm(['upgrade', '--install', ...base, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
      // A helm killed hard mid-upgrade leaves the revision pending-upgrade.
      const stuck = run(helmBinary(major), ['upgrade', ...base, '--set', 'image=unready:2', '--wait', '--timeout', '60s'], helmEnv(e.sim, major), 5_000);
      await waitFor('revision 2 pending-upgrade', () => {
        const s = e.sim.store.get('secrets', ns, 'sh.helm.release.v1.app.v2') as { metadata?: { labels?: Record<string, string> } } | undefined;
        return s?.metadata?.labels?.status === 'pending-upgrade';
      }, 20_000);
      await stuck; // killed with SIGKILL by run()'s 5 s timeout
      const refused = await e.autorollback([...base, '--set', 'image=nginx:1.28']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`helm rollback app 1 -n ${ns}`);
      const recovered = await e.autorollback([...base, '--set', 'image=nginx:1.28', '--recover-pending']);
      expect({ outcome: recovered.report?.outcome, code: recovered.code }).toEqual({ outcome: 'healthy', code: 0 });
      expect((await e.status('app', ns)).status).toBe('deployed');
    });

    it('bad input exits 2 with one line and changes nothing', async () => {
      const r = await e.autorollback(['app', e.probe, '-n', 'bad', '--timeout', 'soon']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      for (const bad of [['--max-restarts', '0'], ['--to-revision=abc'], ['--unready-grace', '2x'], ['--wait=false'], ['--driver', 'sql']]) {
        const b = await e.autorollback(['app', e.probe, '-n', 'bad', ...bad]);
        expect({ bad, code: b.code, lines: b.stderr.trim().split('\n').length }).toEqual({ bad, code: 2, lines: 1 });
      }
      const atomic = await e.autorollback(['app', e.probe, '-n', 'bad', '--atomic']);
      expect(atomic.code).toBe(2);
      expect(atomic.stderr).toContain('--atomic');
      expect(e.sim.store.list('secrets', { namespace: 'bad' }).items).toHaveLength(0);
    });
  });
}
