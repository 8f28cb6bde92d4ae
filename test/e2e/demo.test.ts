// `npm run demo` as CI runs it: `node scripts/demo.js` with pipes (no TTY), after `npm run build` (pretest).
// The demo starts kube-sim in its own process and drives the real helm and the built CLI against it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = process.cwd();
const demo = join(repo, 'scripts', 'demo.js');

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** The run's own temp dir (TMPDIR): whatever the demo leaves behind is found here, not among other processes'. */
  tmp: string;
}

/**
 * Runs the demo without a terminal; kills it after 2 minutes (the demo's own promise is less). `onStderr` sees
 * the stderr so far after each chunk, with the child to signal.
 */
function runDemo(args: string[] = [], onStderr?: (stderr: string, child: ReturnType<typeof spawn>) => void): Promise<DemoRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tmp = mkdtempSync(join(tmpdir(), 'demo-test-'));
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TMPDIR: tmp };
    delete env.CI; // the demo must be plain because stdout/stderr are pipes, not because CI is set
    const child = spawn(process.execPath, [demo, ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      onStderr?.(stderr, child);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started, tmp });
    });
  });
}

/** What a demo run left in its own temp dir (its simulator's kubeconfig, helm homes: nothing, if it cleaned up). */
function leftovers(r: DemoRun): string[] {
  const left = readdirSync(r.tmp);
  rmSync(r.tmp, { recursive: true, force: true });
  return left;
}

describe('npm run demo (scripts/demo.js) without a TTY', () => {
  beforeAll(() => {
    if (!existsSync(join(repo, 'dist', 'bundle', 'run.mjs'))) throw new Error('run `npm run build` first');
  });

  /** Checks one demo run; `major` is the helm major it was asked to use. */
  function expectDemoWentAsPlanned(r: DemoRun, major: number): void {
    const all = `${r.stdout}\n--- stderr\n${r.stderr}`;
    expect({ code: r.code, tail: all.slice(-1500) }).toEqual({ code: 0, tail: expect.any(String) });
    expect(r.ms).toBeLessThan(120_000);
    expect(r.stdout).toMatch(new RegExp(`; helm ${major}\\.\\d+\\.\\d+ from the devDependencies`));
    // The upgrade's plain log (stderr, no colours without a TTY) names the failure and the rollback target.
    expect(r.stderr).toContain('CrashLoopBackOff');
    expect(r.stderr).toMatch(/rolling back to revision 2\b/);
    expect(r.stderr).toContain('VERIFIED: web revision 4 stayed healthy for the whole bake');
    expect(r.stderr).not.toMatch(/\x1b\[/);
    // helm history printed by the demo: revision 3 failed, revision 4 is the rollback to 2 and deployed.
    expect(r.stdout).toMatch(/^3\s.*\bfailed\b/m);
    expect(r.stdout).toMatch(/^4\s.*\bdeployed\b.*Rollback to 2/m);
    expect(r.stdout).toContain('demo: OK: revision 3 failed (CrashLoopBackOff) and was rolled back to revision 2');
    // Then the plugin's own history (no TTY: the table, not the picker), with each revision's verdict from the ledger.
    const ours = r.stdout.split('==> helm autorollback history web -n demo\n')[1] ?? '';
    expect(ours).toMatch(/^REVISION\s+UPDATED\s+STATUS\s+VERDICT\b/m);
    expect(ours).toMatch(/^3\s.*\bfailed\s+failed CrashLoopBackOff\b/m);
    expect(ours).toMatch(/^4\s.*\bdeployed\s+verified\b.*Rollback to 2/m);
  }

  describe('with helm 4 (the default)', () => {
    let r: DemoRun;
    beforeAll(async () => {
      r = await runDemo();
    }, 130_000);

    it('exits 0 after showing CrashLoopBackOff and the rollback to revision 2, in under 2 minutes', () => {
      expectDemoWentAsPlanned(r, 4);
    });

    it('removes its temp folders', () => {
      expect(leftovers(r)).toEqual([]);
    });

    it('suggests only commands that exist', () => {
      const next = r.stdout.split('==> what to try next')[1] ?? '';
      const used = [...next.matchAll(/node bin\/run\.js (\S+)/g)].map((m) => m[1]!).filter((c) => !c.startsWith('-'));
      expect(used).toEqual(expect.arrayContaining(['sim', 'upgrade', 'history']));
      const exists = (id: string) => ['.ts', '/index.ts'].some((end) => existsSync(join(repo, 'src', 'commands', `${id}${end}`)));
      for (const id of used) expect({ id, exists: exists(id) }).toEqual({ id, exists: true });
    });
  });

  it('works the same with --helm 3', async () => {
    const r = await runDemo(['--helm', '3']);
    expectDemoWentAsPlanned(r, 3);
    expect(leftovers(r)).toEqual([]);
  }, 130_000);

  it('on SIGTERM during the upgrade lets it roll back, then cleans up and exits 130', async () => {
    let sent = false;
    const r = await runDemo([], (stderr, child) => {
      // The upgrade's plain log: helm has stored revision 3, so the upgrade is under way.
      if (!sent && /revision 3 stored/.test(stderr)) sent = child.kill('SIGTERM');
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^demo: interrupted$/m);
    // The signal reached the upgrade (its failure reason says so), which still rolled back.
    expect(r.stderr).toMatch(/\bInterrupted\b/);
    expect(r.stderr).toMatch(/rolling back to revision 2\b/);
    expect(leftovers(r)).toEqual([]);
  }, 130_000);

  it('refuses a bad option with one line and exit 2, before starting anything', async () => {
    const r = await runDemo(['--helm', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['demo: --helm must be 3 or 4, got "5"']);
    expect(r.stdout).toBe('');
    expect(leftovers(r)).toEqual([]);
  });
});
