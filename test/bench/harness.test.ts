// The benchmark harness works end to end (not how fast anything is: benchmarks are not tests).
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const runJs = join(process.cwd(), 'bench', 'run.js');

describe('bench/run.js', () => {
  it('rejects an unknown benchmark and a bad --runs with one line and exit code 2', () => {
    const unknown = spawnSync(process.execPath, [runJs, 'nope'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^Error: unknown benchmark nope \(known: startup(, [a-z-]+)*\)\n$/);
    for (const name of ['api-load', 'scale', 'ttd']) expect(unknown.stderr).toContain(`, ${name}`);
    const runs = spawnSync(process.execPath, [runJs, '--runs', '0'], { encoding: 'utf8' });
    expect(runs.status).toBe(2);
    expect(runs.stderr).toBe('Error: --runs must be a positive integer, not 0\n');
  });

  it('runs the start-up benchmark and reports every row with a ratio to node -e 0', async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [runJs, 'startup', '--runs', '1', '--json'], { encoding: 'utf8' }, (error, out) => (error ? reject(error) : resolve(out))),
    );
    const { startup } = JSON.parse(stdout) as { startup: { columns: string[]; rows: string[][]; ratio: number; verdicts: Array<{ label: string }> } };
    expect(startup.columns).toEqual(['command', 'median ms', 'p90 ms', 'vs node -e 0']);
    const labels = startup.rows.map((r) => r[0]);
    expect(labels).toEqual(expect.arrayContaining(['node -e 0 (baseline)', 'node bin/run.js --help (bundle)', 'helm 4: helm autorollback --help']));
    expect(startup.rows[0]![3]).toBe('1.00x');
    for (const row of startup.rows) expect(row[3]).toMatch(/^\d+\.\d\dx$/);
    expect(startup.ratio).toBeGreaterThan(0);
    expect(startup.verdicts[0]!.label).toMatch(/^node bin\/run.js --help is \d+\.\d\dx node -e 0 \(target <= 5x\)$/);
  });
});
