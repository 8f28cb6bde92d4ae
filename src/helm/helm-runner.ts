import { spawn } from 'node:child_process';
import { ExternalCommandError, UsageError } from '../errors/errors.js';
import type { HelmExit, HelmProcess, HelmRunner, HelmRunOptions } from '../ports/helm-runner.js';

/** Where the helm binary comes from: `--helm-bin`, then `$HELM_BIN` (set by helm for plugins), then `helm`. */
export function resolveHelmBinary(flag: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const pick = [flag, env.HELM_BIN, 'helm'].find((v) => v !== undefined && v.trim() !== '');
  return pick as string;
}

/** Options of {@link createHelmRunner}. */
export interface HelmRunnerOptions {
  /** Path or name (looked up on PATH) of the helm binary. */
  binary: string;
  /** Environment for every run; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Start helm in its own process group, so a terminal's Ctrl-C (sent to the whole foreground group) reaches
   * only us and we decide what helm gets: `upgrade` stops helm itself, and must not lose a rollback in flight.
   */
  ownProcessGroup?: boolean;
}

/**
 * Runs the real helm with spawn and an argv array (never a shell), streaming its output line by line.
 */
export function createHelmRunner(options: HelmRunnerOptions): HelmRunner {
  const baseEnv = options.env ?? process.env;
  let major: Promise<number> | undefined;
  const runner: HelmRunner = {
    binary: options.binary,
    start(args, runOptions) {
      return startProcess(options.binary, args, { ...baseEnv, ...(runOptions?.env ?? {}) }, runOptions, options.ownProcessGroup === true);
    },
    majorVersion() {
      major ??= detectMajor(runner);
      return major;
    },
  };
  return runner;
}

/** Runs helm to completion and returns its exit; throws ExternalCommandError (stderr kept) on a non-zero exit. */
export async function runHelm(runner: HelmRunner, args: readonly string[], options?: HelmRunOptions): Promise<HelmExit> {
  const exit = await runner.start(args, options).exited;
  if (exit.code !== 0) throw helmFailure(runner, args, exit);
  return exit;
}

/** An ExternalCommandError for a helm run that failed, with helm's own last error line as the message. */
export function helmFailure(runner: Pick<HelmRunner, 'binary'>, args: readonly string[], exit: HelmExit): ExternalCommandError {
  const how = exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const said = lastErrorLine(exit.stderr);
  return new ExternalCommandError(`helm ${args[0] ?? ''} ${how}${said ? `: ${said}` : ''}`, exit.stderr);
}

/** helm's most telling stderr line: the last `Error: ...` line, else the last non-empty line. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const error = [...lines].reverse().find((l) => l.startsWith('Error:'));
  return (error ?? lines[lines.length - 1] ?? '').replace(/^Error:\s*/, '');
}

/** Reads the major version from `helm version --short` output such as `v3.17.3+ge4da497` or `v4.1.4+g...`. */
export function parseHelmMajor(output: string): number | undefined {
  const m = /v?(\d+)\.\d+\.\d+/.exec(output.trim());
  return m ? Number(m[1]) : undefined;
}

async function detectMajor(runner: HelmRunner): Promise<number> {
  const exit = await runner.start(['version', '--short']).exited;
  if (exit.code === 127) {
    throw new UsageError(`cannot run helm binary "${runner.binary}": ${lastErrorLine(exit.stderr)}`, {
      hint: 'install helm, or pass --helm-bin / set HELM_BIN',
    });
  }
  if (exit.code !== 0) throw helmFailure(runner, ['version', '--short'], exit);
  const major = parseHelmMajor(exit.stdout);
  if (major === undefined) {
    throw new ExternalCommandError(`cannot read the helm version from "${exit.stdout.trim()}"`, exit.stderr);
  }
  return major;
}

function startProcess(
  binary: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: HelmRunOptions | undefined,
  ownProcessGroup: boolean,
): HelmProcess {
  let stdout = '';
  let stderr = '';
  let spawnError: Error | undefined;
  const child = spawn(binary, [...args], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], shell: false, detached: ownProcessGroup });
  const splitter = (stream: 'stdout' | 'stderr') => {
    let partial = '';
    return {
      push(chunk: string) {
        if (stream === 'stdout') stdout += chunk;
        else stderr += chunk;
        partial += chunk;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) options?.onLine?.(stream, line.replace(/\r$/, ''));
      },
      flush() {
        if (partial !== '') options?.onLine?.(stream, partial);
        partial = '';
      },
    };
  };
  const out = splitter('stdout');
  const err = splitter('stderr');
  child.stdout?.setEncoding('utf8').on('data', (c: string) => out.push(c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => err.push(c));
  const exited = new Promise<HelmExit>((resolve) => {
    child.on('error', (e) => {
      spawnError = e;
    });
    // 'close' follows 'error' when spawn fails, and comes after the output streams end otherwise.
    child.on('close', (code, signal) => {
      out.flush();
      err.flush();
      if (spawnError) {
        const reason = (spawnError as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : spawnError.message;
        resolve({ code: 127, signal: null, stdout, stderr: `${stderr}${binary}: ${reason}\n` });
      } else {
        resolve({ code, signal, stdout, stderr });
      }
    });
  });
  const signal = (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill(sig);
  };
  return { args: [...args], exited, terminate: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
}
