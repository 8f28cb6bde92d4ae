/** How the services run the helm binary: an argv array, never a shell. Adapter: src/helm/helm-runner.ts. */

/** How a helm process ended. */
export interface HelmExit {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Everything helm wrote to stdout. */
  stdout: string;
  /** Everything helm wrote to stderr (kept for error messages and HELM_DEBUG). */
  stderr: string;
}

/** A running helm command. */
export interface HelmProcess {
  /** The argv it was started with (without the binary). */
  readonly args: readonly string[];
  /** Resolves once the process has exited and its output is drained; never rejects. */
  readonly exited: Promise<HelmExit>;
  /** Asks helm to stop (SIGTERM): helm then records the running operation as failed. */
  terminate(): void;
  /** Stops it hard (SIGKILL). */
  kill(): void;
}

/** Per-run options. */
export interface HelmRunOptions {
  /** Called with each complete output line (no newline), as it arrives. */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Extra environment for this run (e.g. HELM_DRIVER), on top of the runner's. */
  env?: Readonly<Record<string, string>>;
}

/** Runs helm. */
export interface HelmRunner {
  /** The binary being run, for messages. */
  readonly binary: string;
  /** Starts `helm <args>`; a binary that cannot be started shows as an exit with code 127 and the reason in stderr. */
  start(args: readonly string[], options?: HelmRunOptions): HelmProcess;
  /** The binary's major version (3, 4, ...), from `helm version --short`. */
  majorVersion(): Promise<number>;
}
