import { Command } from '@oclif/core';
import { AutorollbackError } from '../errors/errors.js';
import { ExitCode } from '../errors/exit-codes.js';

/**
 * Base of every command: the one place where errors become a single stderr line and an exit code
 * (see src/errors/exit-codes.ts). HELM_DEBUG=1 adds the stack trace.
 */
export abstract class BaseCommand extends Command {
  /** oclif's JSON mode (`--json`) is on for every command that reports. */
  static override enableJsonFlag = true;

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    const debug = isTruthy(process.env.HELM_DEBUG);
    if (err instanceof AutorollbackError) {
      stderrLine(`Error: ${err.oneLine()}`);
      if (debug && err.stack) stderrLine(err.stack);
      this.exit(err.exitCode);
    }
    // oclif's own parse errors (unknown flag, missing argument) are usage errors.
    if (isOclifParseError(err)) {
      stderrLine(`Error: ${firstLine(err.message)} (see --help)`);
      this.exit(ExitCode.Usage);
    }
    if (err.oclif?.exit !== undefined) throw err; // this.exit() and friends
    stderrLine(`Error: unexpected: ${firstLine(err.message)}${debug ? '' : ' (rerun with HELM_DEBUG=1 for details)'}`);
    if (debug && err.stack) stderrLine(err.stack);
    this.exit(ExitCode.Unexpected);
  }
}

/** Errors go straight to stderr: oclif silences logToStderr under --json, and an error must never be silent. */
function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

function isOclifParseError(err: Error): boolean {
  const name = err.constructor?.name ?? '';
  return /^(CLIParseError|RequiredArgsError|UnexpectedArgsError|NonExistentFlagsError|FlagInvalidOptionError|ArgInvalidOptionError|FailedFlagValidationError)$/.test(name);
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? text;
}

/** HELM_DEBUG and similar switches: set and not "0"/"false". */
export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
