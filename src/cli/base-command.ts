import { Command } from '@oclif/core';
import { describeCliError, failureLine, jsonError, type CliFailure, type CommandShape } from './cli-error.js';
import { listenForInterrupts, type InterruptListener, type InterruptName } from './terminal-interrupt.js';

/**
 * Base of every command: the one place where errors become a single stderr line and an exit code
 * (see src/errors/exit-codes.ts), and, under --json, a JSON error object on stdout
 * (`{"outcome":"error","exitCode":N,"message":...}`) so a CI job that parses stdout always gets JSON.
 * HELM_DEBUG=1 adds the stack trace.
 */
export abstract class BaseCommand extends Command {
  /** oclif's JSON mode (`--json`) is on for every command that reports. */
  static override enableJsonFlag = true;

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    const debug = isTruthy(process.env.HELM_DEBUG);
    const failure = describeCliError(err, this.shape(), debug);
    if (!failure) throw err; // this.exit() and friends
    this.report(failure);
    if (debug && err.stack) stderrLine(err.stack);
    this.exit(failure.exitCode);
  }

  /**
   * Ends the process now with `failure` (stderr line, JSON under --json, exit code), for the few paths that
   * cannot unwind normally (a second interrupt abandoning a run). The terminal is restored by the exit hooks.
   */
  protected exitNow(failure: CliFailure): never {
    this.report(failure);
    process.exit(failure.exitCode);
  }

  /**
   * Counts Ctrl-C / SIGTERM for a long-running command (see terminal-interrupt.ts): while the command draws on
   * a terminal (stdin and stderr are TTYs, live view or plain log), Ctrl-C is read as a key in raw mode so that
   * helm, in the same process group, never gets it; one signal delivered twice counts once. Dispose it in a
   * `finally`; the terminal is also restored when the process exits.
   */
  protected listenForInterrupts(onInterrupt: (name: InterruptName, count: number) => void): InterruptListener {
    return listenForInterrupts({ terminal: process.stdin.isTTY === true && process.stderr.isTTY === true, onInterrupt });
  }

  /** Whether --json was given (before any `--`); false when the command has no --json. */
  protected wantsJson(): boolean {
    try {
      return this.jsonEnabled();
    } catch {
      return false;
    }
  }

  private report(failure: CliFailure): void {
    stderrLine(`Error: ${failureLine(failure)}`);
    if (this.wantsJson()) process.stdout.write(`${JSON.stringify(jsonError(failure), null, 2)}\n`);
  }

  /** The command's name, arguments and flags, for the wording of parse errors. */
  private shape(): CommandShape {
    const ctor = this.ctor as unknown as {
      id?: string;
      args?: Record<string, { name?: string }>;
      flags?: Record<string, { char?: string; type?: string }>;
      baseFlags?: Record<string, { char?: string; type?: string }>;
    };
    const bin = this.config?.bin ?? 'helm-autorollback';
    const id = (this.id ?? ctor.id ?? '').split(':').join(' ');
    const flags = { ...(ctor.baseFlags ?? {}), ...(ctor.flags ?? {}) };
    return {
      usagePrefix: `${bin}${id ? ` ${id}` : ''}`,
      args: Object.entries(ctor.args ?? {}).map(([name, a]) => ({ name: a.name ?? name })),
      flags: [
        ...Object.entries(flags).map(([name, f]) => ({ name, ...(f.char ? { char: f.char } : {}), takesValue: f.type !== 'boolean' })),
        { name: 'json', takesValue: false },
        { name: 'help', takesValue: false },
      ],
    };
  }
}

/** Errors go straight to stderr: oclif silences logToStderr under --json, and an error must never be silent. */
function stderrLine(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** HELM_DEBUG and similar switches: set and not "0"/"false". */
export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
