/** Runs the built CLI's `upgrade ... --json` against a test simulator and parses the report (not a TTY, no colour). */
import { join } from 'node:path';
import type { UpgradeReport } from '../../src/domain/upgrade/report.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { helmEnv, run, type TestSim } from '../sim/helpers.js';

const cli = join(process.cwd(), 'bin', 'run.js');

/** `helm-autorollback upgrade <args> --json` with that helm major; throws with both streams when stdout is not JSON. */
export async function upgradeJson(sim: TestSim, major: HelmMajor, args: string[]): Promise<{ code: number | null; stderr: string; report: UpgradeReport }> {
  const env = helmEnv(sim, major, { HELM_BIN: helmBinary(major), CI: '1', NO_COLOR: '1' });
  const r = await run(process.execPath, [cli, 'upgrade', ...args, '--json'], env, 150_000);
  try {
    return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) as UpgradeReport };
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}
