// The hidden `__complete` command behind helm's shell completion of `helm autorollback <TAB>`.
// helm (3 and 4) runs `$HELM_PLUGIN_DIR/plugin.complete <words after "autorollback"...>`, the last word being
// the one under the cursor, and reads cobra's protocol: one `candidate<TAB>description` per line, then
// `:<directive>` (4 = do not complete file names; 0 = default, files). plugin.complete calls this command.
import { Args, Command, type Config } from '@oclif/core';

/** cobra's ShellCompDirectiveDefault: the shell may complete file names (chart paths, values files). */
const DIRECTIVE_DEFAULT = 0;
/** cobra's ShellCompDirectiveNoFileComp. */
const DIRECTIVE_NO_FILES = 4;

/** One completion answer: candidates with descriptions and the directive. */
export interface Completion {
  candidates: Array<{ value: string; description?: string }>;
  directive: number;
}

/** What the completion needs from oclif's config (a subset, so tests can pass a plain object). */
export type CompletionSource = Pick<Config, 'commands' | 'topics'>;

/**
 * Completes `words` (everything after the plugin name; the last is the word being typed) against the CLI's
 * visible commands, topics and flags.
 */
export function complete(source: CompletionSource, words: readonly string[]): Completion {
  const typed = [...words];
  const partial = typed.pop() ?? '';
  const commands = source.commands.filter((c) => !c.hidden);
  const known = new Set([...commands.map((c) => c.id), ...source.topics.filter((t) => !t.hidden).map((t) => t.name)]);
  // The command (or topic) named by the leading words.
  let id = '';
  let position = 0;
  for (; position < typed.length; position++) {
    const word = typed[position]!;
    const next = id ? `${id}:${word}` : word;
    if (word.startsWith('-') || !known.has(next)) break;
    id = next;
  }
  const command = commands.find((c) => c.id === id);
  if (partial.startsWith('-')) {
    const flags = Object.entries(command?.flags ?? {}).filter(([, f]) => !f.hidden);
    const candidates = [
      ...flags.map(([name, f]) => ({ value: `--${name}`, description: f.summary ?? f.description })),
      { value: '--help', description: 'Show help.' },
    ].filter((c) => c.value.startsWith(partial));
    return { candidates, directive: DIRECTIVE_NO_FILES };
  }
  if (position === typed.length) {
    // Still naming a command: offer the next word of every command or topic under `id`.
    const depth = id ? id.split(':').length : 0;
    const next = new Map<string, string | undefined>();
    for (const c of commands) {
      const parts = c.id.split(':');
      if (parts.length <= depth || (id && !c.id.startsWith(`${id}:`))) continue;
      const word = parts[depth]!;
      if (!word.startsWith(partial)) continue;
      const isLeaf = parts.length === depth + 1;
      const topic = source.topics.find((t) => t.name === parts.slice(0, depth + 1).join(':'));
      if (isLeaf || !next.has(word)) next.set(word, isLeaf ? (c.summary ?? c.description?.split('\n')[0]) : topic?.description);
    }
    if (next.size > 0 || !command) {
      return { candidates: [...next].map(([value, description]) => ({ value, description })), directive: DIRECTIVE_NO_FILES };
    }
  }
  // An argument of a command: its fixed options if it has them, else leave it to the shell (chart paths, ...).
  const argIndex = typed.slice(position).filter((w) => !w.startsWith('-')).length;
  const arg = Object.values(command?.args ?? {})[argIndex];
  if (arg?.options) {
    return { candidates: arg.options.filter((o) => o.startsWith(partial)).map((value) => ({ value })), directive: DIRECTIVE_NO_FILES };
  }
  return { candidates: [], directive: DIRECTIVE_DEFAULT };
}

/** cobra's wire format for a completion answer. */
export function formatCompletion(c: Completion): string {
  const lines = c.candidates.map((x) => (x.description ? `${x.value}\t${x.description.split('\n')[0]}` : x.value));
  return `${[...lines, `:${c.directive}`].join('\n')}\n`;
}

/** `__complete WORDS...`: prints completions for helm's plugin.complete. Hidden. */
export default class Complete extends Command {
  static override hidden = true;
  static override strict = false;
  static override summary = 'Shell completion for helm (used by plugin.complete).';

  async run(): Promise<void> {
    // The words are raw command-line words, flags included, so they are not parsed as this command's flags.
    process.stdout.write(formatCompletion(complete(this.config, this.argv)));
  }
}

/** How to turn on completion of `helm autorollback` in each shell: helm's own completion script covers it. */
export const HELM_COMPLETION_SETUP: Record<string, { line: string; file: string }> = {
  bash: { line: 'source <(helm completion bash)', file: '~/.bashrc' },
  zsh: { line: 'source <(helm completion zsh)', file: '~/.zshrc' },
  fish: { line: 'helm completion fish | source', file: '~/.config/fish/config.fish' },
  powershell: { line: 'helm completion powershell | Out-String | Invoke-Expression', file: '$PROFILE' },
};

/**
 * `autocomplete` when run through helm: oclif's scripts would complete a `helm-autorollback` command, but the
 * user types `helm autorollback`, which helm's own completion handles through plugin.complete.
 */
export class HelmAutocomplete extends Command {
  static override summary = 'Display autocomplete installation instructions.';
  static override description = "Through helm, `helm autorollback <TAB>` is completed by helm's own shell completion.";
  static override args = {
    shell: Args.string({ description: 'Shell type', options: Object.keys(HELM_COMPLETION_SETUP), required: false }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(HelmAutocomplete);
    const shells = args.shell ? [args.shell] : Object.keys(HELM_COMPLETION_SETUP);
    this.log("helm autorollback is completed by helm's own shell completion (commands and flags, via plugin.complete).");
    this.log('Turn it on once in your shell:');
    const width = Math.max(...shells.map((sh) => HELM_COMPLETION_SETUP[sh]!.line.length));
    for (const shell of shells) {
      const { line, file } = HELM_COMPLETION_SETUP[shell]!;
      this.log(`  ${`${shell}:`.padEnd(12)}${line.padEnd(width)}   # add this line to ${file}`);
    }
  }
}
