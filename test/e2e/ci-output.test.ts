// CI output of `upgrade`, end to end: the built CLI with the real helm 4 against kube-sim, with the environment
// GitHub Actions sets for a step (GITHUB_ACTIONS=true, CI=true, GITHUB_STEP_SUMMARY pointing at a file the runner
// renders), and outside Actions with --summary-file (GitLab, Jenkins). Needs `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmBinary } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, run, withSim, type TestSim } from '../sim/helpers.js';

const repo = process.cwd();
const cli = join(repo, 'bin', 'run.js');
const probe = join(repo, 'test', 'charts', 'probe');

let sim: TestSim;

beforeAll(async () => {
  sim = await withSim({ timeScale: 5 });
});

afterAll(async () => {
  await sim?.stop();
});

/** The environment of a GitHub Actions step (the variables the runner sets that the plugin reads). */
function actionsEnv(summary: string): Record<string, string> {
  return { CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, RUNNER_OS: 'Linux', GITHUB_WORKFLOW: 'deploy' };
}

async function installed(ns: string): Promise<void> {
  expect((await helm(sim, 4, ['upgrade', '--install', 'app', probe, '-n', ns, '--create-namespace', '--wait', '--timeout', '60s'])).code).toBe(0);
}

function upgrade(ns: string, args: string[], extra: Record<string, string>) {
  return run(process.execPath, [cli, 'upgrade', 'app', probe, '-n', ns, ...args], helmEnv(sim, 4, { HELM_BIN: helmBinary(4), NO_COLOR: '1', ...extra }), 120_000);
}

describe('upgrade under GitHub Actions', () => {
  it('a rollback: log in collapsible groups, an ::error annotation naming the reason, the job summary appended', async () => {
    const ns = 'gha-rollback';
    await installed(ns);
    const summary = join(sim.dir, 'step-summary.md');
    writeFileSync(summary, '## earlier step\n'); // the runner's file may hold other steps' summaries: append
    const r = await upgrade(ns, ['--set', 'image=crashloop:2'], actionsEnv(summary));
    expect(r.code).toBe(3);
    const lines = r.stderr.split('\n');
    const commands = lines.filter((l) => l.startsWith('::'));
    expect(commands.slice(0, 4)).toEqual([
      `::group::helm autorollback upgrade app (namespace ${ns}, from revision 1)`,
      '::endgroup::',
      `::group::rollback of app to revision 1`,
      '::endgroup::',
    ]);
    expect(commands[4]).toMatch(new RegExp(`^::error title=helm autorollback%3A (CrashLoopBackOff|TooManyRestarts) in app \\(${ns}\\)::revision 2 failed: .+ rolled back to revision 1$`));
    expect(lines[0]).toBe(commands[0]);
    expect(r.stderr).toMatch(/::endgroup::\n\nROLLED BACK: app revision 2 failed; back on revision 1, healthy/);

    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('## earlier step\n### ↩️ helm autorollback: app failed, rolled back\n')).toBe(true);
    expect(md).toContain('| revisions | 1 → 2 (failed) → rollback to 1 as revision 3 |');
    expect(md).toMatch(/\| reason \| `(CrashLoopBackOff|TooManyRestarts)` in Pod\/app-/);
    expect(md).toMatch(/\| TTD \| \d+(ms|\.\ds) \(first signal → detected\) \|/);
    expect(md).toMatch(/\| TTR \| \d+\.\ds \(upgrade start → healthy again\) \|/);
    expect(md).toMatch(/\| \d\d:\d\d\.\d \| rolling back to revision 1 \|/);
  });

  it('healthy, with --json: stdout stays pure JSON, no annotation, summary says healthy', async () => {
    const ns = 'gha-healthy';
    await installed(ns);
    const summary = join(sim.dir, 'step-summary-healthy.md');
    const r = await upgrade(ns, ['--set', 'image=nginx:1.28', '--json'], actionsEnv(summary));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'healthy' });
    expect(r.stderr).not.toContain('::error');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('::'))).toEqual([
      `::group::helm autorollback upgrade app (namespace ${ns}, from revision 1)`,
      '::endgroup::',
    ]);
    expect(readFileSync(summary, 'utf8')).toMatch(/^### ✅ helm autorollback: app healthy\n[\s\S]*\| revisions \| 1 → 2 \|/);
  });
});

describe('upgrade outside GitHub Actions', () => {
  it('--summary-file writes the same Markdown (GitLab, Jenkins); no workflow commands in the log', async () => {
    const ns = 'gitlab';
    await installed(ns);
    const file = join(sim.dir, 'gitlab-summary.md');
    const r = await upgrade(ns, ['--set', 'image=missing:2', '--summary-file', file], { CI: 'true', GITLAB_CI: 'true' });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(/^::/m);
    const md = readFileSync(file, 'utf8');
    expect(md).toMatch(/^### ↩️ helm autorollback: app failed, rolled back\n/);
    expect(md).toMatch(/\| reason \| `(ErrImagePull|ImagePullBackOff)` in Pod\/app-/);
  });

});
