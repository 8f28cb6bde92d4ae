// Entry of the esbuild bundle (dist/bundle/run.mjs), built by scripts/build-bundle.js.
//
// The bundle holds the whole CLI so it runs where there is no node_modules (a helm plugin directory, the
// standalone binary). oclif normally finds commands and hooks by importing files named in package.json; here
// they are handed over in memory instead:
// - commands: `COMMANDS` (every file under src/commands, plus @oclif/plugin-autocomplete's commands and the
//   hidden `__complete` behind helm's shell completion, see plugin.complete);
// - the command_not_found hook (typo suggestions from @oclif/plugin-not-found) is run from `runHook`.
// Heavy libraries (ink, react, @kubernetes/client-node) must only be reached through `await import()` inside a
// command's run(), so that esbuild puts them in chunks that `--help` never loads.
import { Config, Errors, Plugin, flush, handle, run, settings, type Hook, type Interfaces } from '@oclif/core';
import AutocompleteCreate from '@oclif/plugin-autocomplete/lib/commands/autocomplete/create.js';
import Autocomplete from '@oclif/plugin-autocomplete/lib/commands/autocomplete/index.js';
import AutocompleteScript from '@oclif/plugin-autocomplete/lib/commands/autocomplete/script.js';
import { fileURLToPath } from 'node:url';
import { OWN_COMMANDS } from 'bundle:commands';
import { closestName } from '../src/domain/suggest.js';
import Complete, { HelmAutocomplete } from './complete-command.js';
import { PJSON } from 'bundle:pjson';
import { silenceDependencyDeprecations } from './silence-deprecations.js';

/** Every command of the CLI by oclif id (`topic:command`), as oclif's "explicit" strategy expects. */
export const COMMANDS: Record<string, unknown> = {
  ...OWN_COMMANDS,
  autocomplete: Autocomplete,
  'autocomplete:create': AutocompleteCreate,
  'autocomplete:script': AutocompleteScript,
  __complete: Complete,
};

/**
 * The commands of this run. Through helm (HELM_PLUGIN_NAME set) `autocomplete` explains helm's own completion
 * instead of oclif's, whose scripts would complete a `helm-autorollback` command nobody types there.
 */
export function runtimeCommands(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  if (!env.HELM_PLUGIN_NAME) return COMMANDS;
  const { 'autocomplete:create': _create, 'autocomplete:script': _script, ...rest } = COMMANDS;
  return { ...rest, autocomplete: HelmAutocomplete };
}

let activeCommands = COMMANDS;

/** The package.json fields oclif reads (name, version, `oclif` key), captured at build time. */
export const PACKAGE_JSON = PJSON;

/**
 * Suggests the closest command for a typo, in one line with exit code 2, on a terminal too: running a guessed
 * command after a y/n prompt (what @oclif/plugin-not-found does on a TTY) is too risky for `upgrade`. oclif
 * joins the command word with the arguments after it (`upgarde shop ./chart` arrives as
 * `upgarde:shop:./chart`); the suggestion is made for the command words alone, longest known prefix first.
 */
export const notFoundHook: Hook<'command_not_found'> = async function (options) {
  const visible = options.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases]);
  const words = options.id.split(':');
  // A command that takes no arguments given one (`version extra`) arrives here as `version:extra`.
  const known = [...words.keys()].map((i) => words.slice(0, words.length - i).join(':')).find((id) => visible.includes(id));
  if (known !== undefined) {
    const extras = words.slice(known.split(':').length);
    const args = Object.keys(options.config.findCommand(known)?.args ?? {}).map((a) => a.toUpperCase());
    const command = `${options.config.bin} ${known.split(':').join(' ')}`;
    process.stderr.write(`Error: unexpected argument${extras.length === 1 ? '' : 's'} ${extras.join(' ')} (${command} takes ${args.length > 0 ? args.join(' ') : 'no arguments'}; see --help)\n`);
    this.exit(2);
  }
  const suggestion = suggestCommand(words, visible);
  const typed = typedCommand(words, visible);
  const hint = suggestion ? ` Did you mean "${suggestion.split(':').join(' ')}"?` : '';
  process.stderr.write(`Error: "${typed}" is not a ${options.config.bin} command.${hint} (see ${options.config.bin} --help)\n`);
  this.exit(2);
};

/**
 * The command the user most likely meant: for each number of leading words (a command id has as many), the
 * closest id of that depth; the first word alone last. Arguments after the command word never count.
 */
export function suggestCommand(words: readonly string[], ids: readonly string[]): string | undefined {
  const depth = Math.max(1, ...ids.map((id) => id.split(':').length));
  for (let n = Math.min(depth, words.length); n >= 1; n--) {
    const typed = words.slice(0, n).join(':');
    const found = closestName(typed, ids.filter((id) => id.split(':').length === n));
    if (found) return found;
  }
  return undefined;
}

/** The words of the typed command without its arguments: the known topic words plus the one that is wrong. */
function typedCommand(words: readonly string[], ids: readonly string[]): string {
  let n = 1;
  while (n < words.length && ids.some((id) => id.startsWith(`${words.slice(0, n).join(':')}:`))) n++;
  return words.slice(0, n).join(' ');
}

const inMemoryHooks: Partial<Record<string, Array<Hook<'command_not_found'>>>> = { command_not_found: [notFoundHook] };

let patched = false;

/** Teaches oclif to take the root plugin's commands and hooks from this module instead of importing files. */
function useInMemoryCommandsAndHooks(): void {
  if (patched) return;
  patched = true;
  type Loader = { loadCommandsFromTarget(this: Plugin): Promise<Record<string, unknown> | undefined> };
  const proto = Plugin.prototype as unknown as Loader & { isRoot: boolean };
  const loadFromTarget = proto.loadCommandsFromTarget;
  proto.loadCommandsFromTarget = async function (this: Plugin) {
    return this.isRoot ? activeCommands : loadFromTarget.call(this);
  };
  const runHook = Config.prototype.runHook;
  Config.prototype.runHook = async function (this: Config, event, opts, timeout, captureErrors) {
    const result = await runHook.call(this, event, opts, timeout, captureErrors);
    for (const hook of inMemoryHooks[event as string] ?? []) {
      // The same context oclif gives hooks it loads from files.
      const context: Hook.Context = {
        config: this,
        debug: () => {},
        error: (message, options = {}) => Errors.error(message, options),
        exit: (code = 0) => Errors.exit(code),
        log: (message, ...args) => process.stdout.write(`${[message, ...args].join(' ')}\n`),
        warn: (message) => Errors.warn(message),
      };
      try {
        const value = await hook.call(context, { ...(opts as Parameters<Hook<'command_not_found'>>[0]), config: this, context });
        result.successes.push({ plugin: rootPlugin(this), result: value as never });
      } catch (error) {
        if (captureErrors) result.failures.push({ plugin: rootPlugin(this), error: error as Error });
        else throw error;
      }
    }
    return result;
  };
}

/** The config's root plugin (public at run time, private in oclif's types). */
function rootPlugin(config: Config): Interfaces.Plugin {
  return (config as unknown as { rootPlugin: Interfaces.Plugin }).rootPlugin;
}

/**
 * The oclif package.json for this run. Through helm (HELM_PLUGIN_NAME set) usage lines read `helm autorollback
 * ...`, which is what the user types; elsewhere the npm bin name.
 */
export function runtimePackageJson(env: NodeJS.ProcessEnv = process.env): Interfaces.PJSON {
  const pjson = structuredClone(PJSON) as Interfaces.PJSON;
  if (env.HELM_PLUGIN_NAME) pjson.oclif.bin = `helm ${env.HELM_PLUGIN_NAME}`;
  return pjson;
}

/**
 * Runs the CLI with `argv` (without node and script). `root` is the folder holding package.json-equivalent
 * files: by default two levels above this bundle (dist/bundle/ -> the package or plugin directory).
 */
export async function main(argv: string[], root?: string): Promise<void> {
  silenceDependencyDeprecations();
  settings.enableAutoTranspile = false; // no ts-node/tsx lookups: everything is already compiled
  useInMemoryCommandsAndHooks();
  activeCommands = runtimeCommands();
  const dir = root ?? fileURLToPath(new URL('../..', import.meta.url));
  await run(argv, { root: dir, pjson: runtimePackageJson() })
    .then(() => flush())
    .catch(async (error: Error) => handle(error));
}
