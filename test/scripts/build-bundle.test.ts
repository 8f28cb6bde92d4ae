import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Metafile } from 'esbuild';
import { findCommandFiles } from '../../scripts/build-bundle.js';

const repo = process.cwd();

describe('findCommandFiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'commands-'));
    for (const f of ['version.ts', 'sim/index.ts', 'sim/start.ts', 'sim/start.test.ts', 'types.d.ts', 'ui/board.tsx']) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), 'export {};\n');
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps paths to oclif ids (folders are topics, index is the topic itself) and skips tests and .d.ts', () => {
    expect(findCommandFiles(dir).map((c) => c.id).sort()).toEqual(['sim', 'sim:start', 'ui:board', 'version']);
  });
});

describe('the built bundle (dist/bundle)', () => {
  it('runs --help from a folder without node_modules and lists every command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bundle-only-'));
    try {
      cpSync(join(repo, 'dist', 'bundle'), join(dir, 'dist', 'bundle'), { recursive: true });
      cpSync(join(repo, 'bin'), join(dir, 'bin'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'run.js'), '--help'], { encoding: 'utf8', cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const ids = findCommandFiles(join(repo, 'src', 'commands')).map((c) => c.id.split(':')[0]);
      for (const id of [...new Set(ids), 'autocomplete']) expect(r.stdout).toMatch(new RegExp(`^\\s+${id}\\s`, 'm'));
      expect(r.stdout).toContain('$ helm-autorollback [COMMAND]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps ink, react and @kubernetes/client-node out of what starts with the CLI (they load in run())', () => {
    const meta = JSON.parse(readFileSync(join(repo, 'dist', 'bundle-meta.json'), 'utf8')) as Metafile;
    // Everything reachable from the entry by static imports is parsed at start-up; dynamic imports are not.
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file) || !meta.outputs[file]) return;
      seen.add(file);
      for (const i of meta.outputs[file]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
    };
    visit('dist/bundle/run.mjs');
    expect(seen.size).toBeGreaterThan(1);
    const inputs = [...seen].flatMap((f) => Object.keys(meta.outputs[f]!.inputs));
    expect(inputs.some((i) => i.includes('node_modules/@oclif/core/'))).toBe(true);
    const heavy = inputs.filter((i) => /node_modules\/(ink|react|react-reconciler|yoga-layout|@kubernetes\/client-node)\//.test(i));
    expect(heavy).toEqual([]);
  });

  /** The bundle's input files parsed when `file` loads: its own and those of every chunk it imports statically. */
  const staticInputs = (meta: Metafile, file: string): string[] => {
    const seen = new Set<string>();
    const visit = (f: string): void => {
      if (seen.has(f) || !meta.outputs[f]) return;
      seen.add(f);
      for (const i of meta.outputs[f]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
    };
    visit(file);
    return [...seen].flatMap((f) => Object.keys(meta.outputs[f]!.inputs));
  };

  it("loads no @kubernetes/client-node for history's read path (the light reader), and no React development build at all", () => {
    const meta = JSON.parse(readFileSync(join(repo, 'dist', 'bundle-meta.json'), 'utf8')) as Metafile;
    const readPorts = Object.keys(meta.outputs).find((f) => Object.keys(meta.outputs[f]!.inputs).includes('src/kube/read-ports.ts'))!;
    expect(readPorts).toBeDefined();
    const inputs = staticInputs(meta, readPorts);
    expect(inputs).toEqual(expect.arrayContaining(['src/kube/rest/rest-client.ts', 'src/kube/release-records.ts']));
    expect(inputs.filter((i) => i.includes('node_modules/@kubernetes/client-node/'))).toEqual([]);
    const all = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(all.some((i) => /node_modules\/react-reconciler\/cjs\/react-reconciler\.production\.js$/.test(i))).toBe(true);
    expect(all.filter((i) => /node_modules\/(react|react-reconciler|scheduler)\/.*development/.test(i))).toEqual([]);
  });
});
