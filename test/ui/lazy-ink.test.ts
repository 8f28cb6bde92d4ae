import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

// The plain CI path and --help must not parse React/Ink: src/ui/index.ts reaches them only by dynamic import.
test('src/ui/index.ts statically imports no ink or react', async () => {
  const entry = fileURLToPath(new URL('../../src/ui/index.ts', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: '/tmp/unused-ui-lazy-check',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['react-devtools-core'],
  });
  const outputs = Object.values(result.metafile.outputs);
  const main = outputs.find((o) => o.entryPoint?.endsWith('src/ui/index.ts'));
  expect(main).toBeDefined();
  // Inputs reachable without a dynamic import: the entry chunk and the chunks it imports statically.
  const byPath = result.metafile.outputs;
  const staticInputs = new Set<string>();
  const visit = (o: (typeof outputs)[number]) => {
    for (const input of Object.keys(o.inputs)) staticInputs.add(input);
    for (const imp of o.imports) {
      if (imp.kind !== 'import-statement' || imp.external) continue;
      const key = Object.keys(byPath).find((k) => k.endsWith(imp.path.replace(/^\.\.\/|^\.\//g, '')) || k === imp.path);
      if (key) visit(byPath[key]!);
    }
  };
  visit(main!);
  const heavy = [...staticInputs].filter((i) => /node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(i));
  expect(heavy).toEqual([]);
  expect([...staticInputs].some((i) => i.includes('src/ui/plain-renderer.ts'))).toBe(true);
  // chalk sits in a chunk shared with the live view: seeing it proves static chunk imports were followed.
  expect([...staticInputs].some((i) => /node_modules\/chalk\//.test(i))).toBe(true);
  // And the live view is reachable at all (through the dynamic import).
  expect(outputs.some((o) => Object.keys(o.inputs).some((i) => i.includes('node_modules/ink/')))).toBe(true);
});
