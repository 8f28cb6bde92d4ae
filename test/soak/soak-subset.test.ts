// The quick subset of the fault soak (`npm run soak -- --subset`): for every fault of kube-sim and every process
// fault, a healthy and a failing run (the upgrade's pair or the watchdog's), each judged from helm's history and the
// cluster: no missed, false or double rollback, and every run in its expected end state. Seeded: a failure prints
// the seed that reproduces it (`npm run soak -- --fault NAME --seed 20261206 --only I`).
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const SEED = '20261206';

interface Row {
  fault: string;
  runs: number;
  missed: number;
  false: number;
  double: number;
  errors: number;
}

describe('fault soak, quick subset', () => {
  it('ends every run as it must under every fault: 0 missed, 0 false, 0 double rollbacks, no other error', async () => {
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      const child = execFile(
        process.execPath,
        [join(process.cwd(), 'soak', 'run.js'), '--subset', '--seed', SEED, '--concurrency', '2', '--parallel', '9', '--command-timeout', '150', '--json'],
        { maxBuffer: 64 * 1024 * 1024 },
        (_err, out, err) => resolve({ stdout: out, stderr: err, code: child.exitCode }),
      );
    });
    const result = JSON.parse(stdout) as { rows: Row[]; failures: Array<{ fault: string; i: number; verdict: { errors: string[] } }> };
    const failures = result.failures.map((f) => `${f.fault} #${f.i}: ${f.verdict.errors.join('; ')}`);
    expect({ failures, stderrTail: failures.length ? stderr.split('\n').slice(-40).join('\n') : '' }).toEqual({ failures: [], stderrTail: '' });
    expect(result.rows.map((r) => r.fault)).toEqual(['drop-watch', 'reset-watch', 'expire-410', 'throttle-429', 'burst-5xx', 'latency', 'apiserver-restart', 'helm-sigkill', 'plugin-sigkill']);
    for (const r of result.rows) expect({ fault: r.fault, runs: r.runs, missed: r.missed, false: r.false, double: r.double, errors: r.errors }).toEqual({ fault: r.fault, runs: 2, missed: 0, false: 0, double: 0, errors: 0 });
    expect(code).toBe(0);
    // A run under a fault may wait out one of the plugin's retry budgets (30 s), and a command that hangs is killed
    // at 150 s and reported with its log: all inside this limit.
  }, 420_000);
});
