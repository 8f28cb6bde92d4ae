import { complete, formatCompletion, type CompletionSource } from '../../scripts/complete-command.js';

// A CLI shaped like ours: plain commands, a topic with subcommands, a hidden command, args with options.
const source = {
  commands: [
    { id: 'version', summary: 'Print the plugin version.', flags: { json: { summary: 'Format output as json.' } }, args: {} },
    {
      id: 'history',
      summary: 'Show revisions.',
      flags: { namespace: { description: 'namespace' }, max: { description: 'how many' }, secret: { hidden: true } },
      args: { release: {} },
    },
    { id: 'sim', summary: 'Run kube-sim.', flags: {}, args: {} },
    { id: 'sim:start', summary: 'Start it.', flags: {}, args: {} },
    { id: 'autocomplete', description: 'Display instructions.\nMore.', flags: {}, args: { shell: { options: ['zsh', 'bash', 'powershell'] } } },
    { id: '__complete', hidden: true, flags: {}, args: {} },
  ],
  topics: [{ name: 'sim', description: 'The simulator.' }],
} as unknown as CompletionSource;

const values = (words: string[]) => complete(source, words).candidates.map((c) => c.value);

describe('complete (helm plugin.complete)', () => {
  it.each([
    [[''], ['version', 'history', 'sim', 'autocomplete']],
    [['h'], ['history']],
    [['sim', ''], ['start']],
    [['history', '--'], ['--namespace', '--max', '--help']],
    [['version', '--j'], ['--json']],
    [['autocomplete', 'b'], ['bash']],
    [['history', '-n', 'prod', '--m'], ['--max']],
    [['nope', ''], []],
  ])('%j -> %j', (words, expected) => {
    expect(values(words)).toEqual(expected);
  });

  it('never offers hidden commands or flags', () => {
    expect(values(['_'])).toEqual([]);
    expect(values(['history', '--s'])).toEqual([]);
  });

  it('leaves command arguments such as release names and chart paths to the shell', () => {
    expect(complete(source, ['history', ''])).toEqual({ candidates: [], directive: 0 });
    expect(complete(source, ['version', ''])).toEqual({ candidates: [], directive: 0 });
  });

  it('writes cobra lines: value, tab, first line of the description, then the directive', () => {
    expect(formatCompletion(complete(source, ['auto']))).toBe('autocomplete\tDisplay instructions.\n:4\n');
    expect(formatCompletion(complete(source, ['autocomplete', 'z']))).toBe('zsh\n:4\n');
  });
});
