import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * The one error hierarchy of the CLI. Each error knows its exit code and prints as one line; commands let
 * these propagate and `handleCliError` turns them into output and an exit code.
 */
export abstract class AutorollbackError extends Error {
  /** Exit code the process ends with when this error reaches the top. */
  abstract readonly exitCode: ExitCodeValue;
  /** An optional next step for the user, printed after the message. */
  readonly hint?: string;

  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }

  /** The single line shown to the user. */
  oneLine(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

/** The user can fix this: bad flag, bad release name, missing kubeconfig. Nothing was changed. */
export class UsageError extends AutorollbackError {
  readonly exitCode = ExitCode.Usage;
}

/** The Kubernetes API could not be reached or refused us. Nothing was changed. */
export class ClusterUnavailableError extends AutorollbackError {
  readonly exitCode = ExitCode.ClusterUnavailable;
}

/** An external command (helm) failed in a way we cannot interpret as a usage problem. */
export class ExternalCommandError extends AutorollbackError {
  readonly exitCode = ExitCode.Unexpected;
  constructor(
    message: string,
    /** The command's stderr, kept for HELM_DEBUG output. */
    readonly stderr: string,
    options?: { hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A condition that should never happen: a bug in this tool. */
export class BugError extends AutorollbackError {
  readonly exitCode = ExitCode.Unexpected;
}
