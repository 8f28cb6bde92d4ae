import { AutorollbackError } from '../errors/errors.js';
import { closestName } from '../domain/suggest.js';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.js';

/**
 * How an error that reached the top of a command is shown: one stderr line, an exit code from the table in
 * src/errors/exit-codes.ts, and (with --json) the same as a JSON object on stdout. Pure: BaseCommand feeds it.
 */

/** The command being run, as far as the wording of parse errors needs it. */
export interface CommandShape {
  /** `helm autorollback upgrade` (bin + command id, as the user types it). */
  usagePrefix: string;
  /** Positional arguments in order (oclif's `static args`). */
  args: ReadonlyArray<{ name: string }>;
  /** Flags (long names, with whether they take a value), including --json and --help. */
  flags: ReadonlyArray<{ name: string; char?: string; takesValue: boolean }>;
}

/** What the user sees. */
export interface CliFailure {
  exitCode: ExitCodeValue;
  /** The problem, one line. */
  message: string;
  /** The next step, when there is one. */
  hint?: string;
}

/** The JSON object printed on stdout under --json when a command ends with an error. */
export interface JsonErrorReport {
  outcome: 'error';
  exitCode: number;
  message: string;
  hint?: string;
}

/** `message (hint)`: the single stderr line after `Error: `. */
export function failureLine(f: CliFailure): string {
  return f.hint ? `${f.message} (${f.hint})` : f.message;
}

/** The --json form of a failure. */
export function jsonError(f: CliFailure): JsonErrorReport {
  return { outcome: 'error', exitCode: f.exitCode, message: f.message, ...(f.hint ? { hint: f.hint } : {}) };
}

type OclifError = Error & { args?: Array<{ name?: string }>; oclif?: { exit?: number }; parse?: { input?: { argv?: string[] }; output?: { argv?: string[]; nonExistentFlags?: string[] } } };

/**
 * Describes `err` for the user, or returns undefined for oclif's own exits (`this.exit()`), which must pass
 * through unchanged.
 */
export function describeCliError(err: unknown, cmd: CommandShape, debug = false): CliFailure | undefined {
  if (err instanceof AutorollbackError) return { exitCode: err.exitCode, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  const e = (err instanceof Error ? err : new Error(String(err))) as OclifError;
  const name = e.constructor?.name ?? '';
  const usage = (message: string, hint = `see ${cmd.usagePrefix} --help`): CliFailure => ({ exitCode: ExitCode.Usage, message, hint });
  switch (name) {
    case 'RequiredArgsError': {
      const missing = (e.args ?? []).map((a) => (a.name ?? '').toUpperCase()).filter((n) => n !== '');
      const usageLine = `${cmd.usagePrefix} ${cmd.args.map((a) => a.name.toUpperCase()).join(' ')}`.trim();
      const what = missing.length === 1 ? `missing argument ${missing[0]}` : `missing arguments ${missing.join(' and ')}`;
      return usage(what, `usage: ${usageLine} [flags]`);
    }
    case 'NonExistentFlagsError': {
      const unknown = e.parse?.output?.nonExistentFlags ?? [];
      const first = unknown[0] ?? firstLine(e.message);
      const guess = closestFlag(first, cmd.flags);
      return usage(`unknown flag ${first}`, guess ? `did you mean --${guess}?` : undefined);
    }
    case 'UnexpectedArgsError': {
      const extras = (e.parse?.output?.argv ?? []).slice(cmd.args.length);
      const list = extras.length > 0 ? extras : [firstLine(e.message).replace(/^Unexpected arguments?:\s*/, '')];
      return usage(`unexpected argument${list.length === 1 ? '' : 's'} ${list.join(' ')}`, `${cmd.usagePrefix} takes ${describeArgs(cmd)}; see --help`);
    }
    case 'CLIParseError':
    case 'FlagInvalidOptionError':
    case 'ArgInvalidOptionError':
    case 'FailedFlagValidationError':
    case 'ViolatedFlagConstraintError':
    case 'InvalidArgsSpecError':
      return usage(parseMessage(e.message));
    default:
      break;
  }
  // A flag value oclif could not parse (e.g. `--max 0` on an integer flag with min 1): oclif rewrites the
  // message as "Parsing --max \n\t<reason>\nSee more help with --help".
  if (/^Parsing --/.test(e.message)) return usage(parseMessage(e.message));
  if (e.oclif?.exit !== undefined && name === 'ExitError') return undefined;
  if (e.oclif?.exit !== undefined && e.oclif.exit !== 1) {
    // oclif's this.error()/CLIError with an exit code of its own (its usage errors use 2).
    return { exitCode: e.oclif.exit === ExitCode.Usage ? ExitCode.Usage : ExitCode.Unexpected, message: parseMessage(e.message) };
  }
  return {
    exitCode: ExitCode.Unexpected,
    message: `unexpected: ${firstLine(e.message)}`,
    ...(debug ? {} : { hint: 'a bug: rerun with HELM_DEBUG=1 for details and report it' }),
  };
}

/** oclif's multi-line parse messages as one line: `Parsing --max: Expected an integer ...`. */
function parseMessage(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^See more help with --help$/.test(l));
  return lines.join(': ').replace(/^Parsing (--[\w-]+)\s*:/, '$1:').replace(/:\s*:/g, ':');
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? text;
}

function describeArgs(cmd: CommandShape): string {
  if (cmd.args.length === 0) return 'no arguments';
  return cmd.args.map((a) => a.name.toUpperCase()).join(' ');
}

/** The known flag closest to `typed` (`--unready-grase` -> `unready-grace`), when it looks like a typo of it. */
export function closestFlag(typed: string, flags: CommandShape['flags']): string | undefined {
  return closestName(typed.replace(/^-+/, '').split('=')[0] ?? '', flags.map((f) => f.name));
}
