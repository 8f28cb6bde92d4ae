// Small process helpers for scripts/demo.js. The simulator runs inside the demo's own process, so every child
// (helm, the plugin) must be spawned asynchronously: a synchronous spawn would block the event loop that answers it.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Environment for the tools the demo runs: the caller's PATH and terminal settings, a kubeconfig pointing at the
 * simulator, and helm/kubectl homes under `dir` so nothing of the user's own helm or cluster setup is read or
 * written. `extra` wins.
 * @param {string} dir temp folder owned by the demo
 * @param {string} kubeconfig the simulator's kubeconfig
 * @param {Record<string, string>} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
export function toolEnv(dir, kubeconfig, extra = {}) {
  const keep = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('HELM_') && !k.startsWith('XDG_') && k !== 'KUBECONFIG' && k !== 'HOME'),
  );
  const home = (name) => {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  return {
    ...keep,
    HOME: home('home'),
    HELM_CACHE_HOME: home('helm-cache'),
    HELM_CONFIG_HOME: home('helm-config'),
    HELM_DATA_HOME: home('helm-data'),
    KUBECACHEDIR: home('kube-cache'),
    KUBECONFIG: kubeconfig,
    // Node >= 22.1 keeps the plugin's V8 compile cache here (its default is the system temp folder), removed with `dir`.
    NODE_COMPILE_CACHE: home('node-compile-cache'),
    ...extra,
  };
}

/** The child currently running, so an interrupt or the demo's deadline can stop it. */
let current;

/**
 * Runs `command args` without a shell. `inherit: true` hands it the demo's terminal (the live view needs the TTY);
 * otherwise stdout and stderr are captured. Resolves with the exit code (a signal counts as 128 + its number).
 * @param {string} command
 * @param {string[]} args
 * @param {{ env: NodeJS.ProcessEnv, inherit?: boolean, cwd?: string }} options
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function runTool(command, args, { env, inherit = false, cwd }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => {
      current = undefined;
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      current = undefined;
      const signals = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
      resolve({ code: code ?? 128 + (signals[signal] ?? 1), stdout, stderr });
    });
  });
}

/** Sends SIGTERM to the running child, if any; returns whether there was one. */
export function stopRunningTool() {
  if (!current) return false;
  current.kill('SIGTERM');
  return true;
}
