/**
 * Test helpers around kube-sim: start a simulator with its own temp dir, build the environment for the real
 * helm / kubectl binaries (fresh HOME, XDG, HELM_* and KUBECACHEDIR per simulator and major), and run them
 * asynchronously (the simulator lives in the test process, so a synchronous spawn would deadlock it).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startSim, type RunningSim, type StartSimOptions } from '../../src/sim/index.js';
import { helmBinary, kubectlBinary, type HelmMajor } from '../../src/toolchain/binaries.js';

/** A running simulator plus a temp dir that `stop()` removes. */
export interface TestSim extends RunningSim {
  /** Temp dir holding the kubeconfig and per-tool homes. */
  dir: string;
}

/** Starts a simulator whose kubeconfig and tool homes live in a fresh temp dir. Always `await sim.stop()`. */
export async function withSim(options: StartSimOptions = {}): Promise<TestSim> {
  const dir = mkdtempSync(join(tmpdir(), 'kube-sim-test-'));
  const sim = await startSim({ ...options, kubeconfigPath: options.kubeconfigPath ?? join(dir, 'kubeconfig') });
  return {
    ...sim,
    dir,
    async stop() {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Environment for helm `major` (and kubectl) against `sim`: KUBECONFIG, its own HOME, XDG_*, HELM_CACHE_HOME,
 * HELM_CONFIG_HOME, HELM_DATA_HOME and KUBECACHEDIR under the simulator's temp dir; PATH kept.
 */
export function helmEnv(sim: { kubeconfigPath: string; dir?: string }, major: HelmMajor, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = join(sim.dir ?? dirname(sim.kubeconfigPath), `tools-h${major}`);
  const d = (name: string) => {
    const p = join(base, name);
    mkdirSync(p, { recursive: true });
    return p;
  };
  return {
    PATH: process.env.PATH,
    HOME: d('home'),
    XDG_CACHE_HOME: d('xdg-cache'),
    XDG_CONFIG_HOME: d('xdg-config'),
    XDG_DATA_HOME: d('xdg-data'),
    HELM_CACHE_HOME: d('helm-cache'),
    HELM_CONFIG_HOME: d('helm-config'),
    HELM_DATA_HOME: d('helm-data'),
    KUBECACHEDIR: d('kube-cache'),
    KUBECONFIG: sim.kubeconfigPath,
    ...extra,
  };
}

/** Result of running a binary. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a binary asynchronously with a timeout (kills it after `timeoutMs`, default 90 s). */
export function run(binary: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the real helm of that major against the simulator. */
export function helm(sim: { kubeconfigPath: string; dir?: string }, major: HelmMajor, args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return run(helmBinary(major), args, helmEnv(sim, major, extraEnv));
}

/** Runs the real kubectl shipped with that helm major (1.31 with 3, 1.35 with 4) against the simulator. */
export function kubectl(sim: { kubeconfigPath: string; dir?: string }, args: string[], major: HelmMajor = 4): Promise<RunResult> {
  return run(kubectlBinary(major), args, helmEnv(sim, major));
}

/** Writes a chart (file path -> content) into a new dir under `parent`; returns the chart dir. */
export function writeChart(parent: string, name: string, files: Record<string, string>): string {
  const dir = join(parent, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  return dir;
}

/** Waits until `predicate` holds, polling cheaply; rejects after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
