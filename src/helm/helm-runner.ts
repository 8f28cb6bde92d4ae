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

/**
 * helm's most telling error, as one line: the last `Error: ...` line with the lines that continue it (helm 4
 * wraps a template error over several lines: `UPGRADE FAILED: t.yaml:1:10` / `executing ... at <.x>:` /
 * `nil pointer evaluating ...`), else the last non-empty line. Log lines (`level=...`) never count.
 */
export function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const start = lines.map((l) => l.startsWith('Error:')).lastIndexOf(true);
  if (start < 0) return lines[lines.length - 1] ?? '';
  const rest = lines.slice(start + 1).filter((l) => !/^(level=|time=|WARNING:|walk\.go:|coalesce\.go:)/.test(l));
  return [lines[start] as string, ...rest].join(' ').replace(/^Error:\s*/, '');
}

/** Reads the major version from `helm version --short` output such as `v3.17.3+ge4da497` or `v4.1.4+g...`. */
export function parseHelmMajor(output: string): number | undefined {
  return parseHelmVersion(output)?.major;
}

/** A helm version as `helm version --short` prints it. */
export interface HelmVersion {
  major: number;
  minor: number;
  patch: number;
  /** As printed, e.g. `v3.17.3+ge4da497`. */
  text: string;
}

/** The oldest helm the plugin works with (the first 3.x whose `upgrade --install` and storage it was built against). */
export const MIN_HELM = { major: 3, minor: 14 } as const;

/**
 * Parses `helm version --short` output: `v3.17.3+ge4da497` (helm 3 and 4) or `Client: v2.17.0+ga690bad` (helm 2,
 * which then also asks Tiller). Undefined when the output is not a helm version.
 */
export function parseHelmVersion(output: string): HelmVersion | undefined {
  const m = /^(?:Client:\s*)?(v(\d+)\.(\d+)\.(\d+)\S*)/m.exec(output.trim());
  return m ? { text: m[1] as string, major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4]) } : undefined;
}

/**
 * Why this helm cannot be used, in one line, or undefined when it can: helm 2 and helm 3 before 3.14 are
 * refused before anything runs (exit 2).
 */
export function helmVersionProblem(binary: string, version: HelmVersion): string | undefined {
  if (version.major < MIN_HELM.major || (version.major === MIN_HELM.major && version.minor < MIN_HELM.minor)) {
    const which = version.major < 3 ? `helm 2 (${version.text})` : `helm ${version.text}`;
    return `${which} at "${binary}" is not supported: helm-autorollback needs helm ${MIN_HELM.major}.${MIN_HELM.minor} or newer (helm 4 too)`;
  }
  return undefined;
}

async function detectMajor(runner: HelmRunner): Promise<number> {
  const exit = await runner.start(['version', '--short']).exited;
  if (exit.code === 127) {
    throw new UsageError(`cannot run helm binary "${runner.binary}": ${lastErrorLine(exit.stderr)}`, {
      hint: 'install helm, or pass --helm-bin / set HELM_BIN',
    });
  }
  const hint = 'point --helm-bin or HELM_BIN at helm 3.14+ or helm 4';
  // helm 2 prints its client version, then fails to reach Tiller: judge the version before the exit code.
  const version = parseHelmVersion(exit.stdout);
  if (version) {
    const problem = helmVersionProblem(runner.binary, version);
    if (problem) throw new UsageError(problem, { hint });
  }
  if (exit.code !== 0 || !version) {
    const how = exit.code === 0 ? 'printed' : exit.code === null ? `was killed by ${exit.signal} after printing` : `exited with code ${exit.code} after printing`;
    const said = exit.stdout.trim().split('\n')[0] || lastErrorLine(exit.stderr);
    throw new UsageError(`"${runner.binary}" is not a helm binary: \`${runner.binary} version --short\` ${how} ${JSON.stringify(said.slice(0, 120))}`, { hint });
  }
  return version.major;
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
