#!/usr/bin/env node
// Builds the CLI bundle with esbuild: dist/bundle/run.mjs (+ lazily loaded chunks in dist/bundle/chunks/).
// Bundles straight from src/ (TypeScript), so it does not depend on tsc's output. Every file under src/commands
// is a command (its default export, or its first export with a static run()), with the oclif id built from its
// path: src/commands/sim/start.ts -> "sim:start", src/commands/sim/index.ts -> "sim".
//
// Output: ES modules, code-split so that `--help` never parses ink/react/client-node (they sit in chunks that
// only a command's run() imports). The standalone binary (scripts/build-sea.js) carries this same bundle.
// esbuild's metafile goes to <outdir>-meta.json (dist/bundle-meta.json).
//
// Usage: node scripts/build-bundle.js [--outdir DIR]   (default dist/bundle)
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * Lists the command source files under `commandsDir` with their oclif ids.
 * @param {string} commandsDir
 * @returns {Array<{ id: string, file: string }>}
 */
export function findCommandFiles(commandsDir) {
  /** @type {Array<{ id: string, file: string }>} */
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !/\.(d|test|spec)\.tsx?$/.test(name)) {
        const parts = relative(commandsDir, path).replace(/\.tsx?$/, '').split(sep);
        if (parts.at(-1) === 'index') parts.pop();
        found.push({ id: parts.join(':'), file: path });
      }
    }
  };
  walk(commandsDir);
  return found;
}

/** The source of the generated `bundle:commands` module. */
function commandsModule(commands) {
  const imports = commands.map((c, i) => `import * as m${i} from ${JSON.stringify(c.file)};`);
  const entries = commands.map((c, i) => `  [${JSON.stringify(c.id)}, m${i}],`);
  return [
    ...imports,
    '// A command module exports its class as default, or as the first export with a static run().',
    'const pick = (m) => (m.default && typeof m.default.run === "function" ? m.default : Object.values(m).find((v) => v && typeof v.run === "function"));',
    'export const OWN_COMMANDS = Object.fromEntries([',
    ...entries,
    '].map(([id, m]) => [id, pick(m)]).filter(([, c]) => c));',
  ].join('\n');
}

/** The package.json fields oclif needs at run time. */
function packageJsonModule() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const pjson = { name: pkg.name, version: pkg.version, type: pkg.type, engines: pkg.engines, oclif: pkg.oclif };
  return `export const PJSON = ${JSON.stringify(pjson)};`;
}

/** esbuild plugin serving the generated modules `bundle:commands` and `bundle:pjson`. */
function generatedModules(commands) {
  return {
    name: 'generated-modules',
    setup(b) {
      b.onResolve({ filter: /^bundle:/ }, (args) => ({ path: args.path, namespace: 'generated' }));
      // The oclif plugins' package.json "exports" hide their command and helper files; we need them one by one.
      b.onResolve({ filter: /^@oclif\/plugin-(autocomplete|not-found)\/lib\// }, (args) => {
        const [, pkg, sub] = /^(@oclif\/[^/]+)\/(.*)$/.exec(args.path);
        // Their exported main is lib/index.js, so the package folder is one level above it.
        return { path: join(dirname(require.resolve(pkg)), '..', sub) };
      });
      b.onLoad({ filter: /.*/, namespace: 'generated' }, (args) => ({
        contents: args.path === 'bundle:commands' ? commandsModule(commands) : packageJsonModule(),
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

/**
 * esbuild plugin: React's packages (react, react-reconciler, scheduler) choose their development or production
 * build at run time from NODE_ENV, which nobody sets for a CLI, so the bundle carried both and ran the
 * development one (twice the code to load, slower rendering). Their entry files are read with NODE_ENV fixed to
 * "production": the development builds drop out of the bundle. Nothing else in the bundle sees the change.
 */
function reactProductionBuilds() {
  return {
    name: 'react-production-builds',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/](react|react-reconciler|scheduler)[\\/][^\\/]+\.js$/ }, (args) => ({
        contents: readFileSync(args.path, 'utf8').replaceAll('process.env.NODE_ENV', '"production"'),
        loader: 'js',
      }));
    },
  };
}

/**
 * Builds the bundle and returns the output folder and esbuild's metafile.
 * @param {{ outdir?: string }} [options]
 */
export async function buildBundle(options = {}) {
  const outdir = options.outdir ?? join(root, 'dist', 'bundle');
  // Built beside the target and swapped in with renames, so a CLI or test running meanwhile (or a concurrent
  // build) never finds the folder half-written or missing for longer than between two renames.
  const building = `${outdir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const commands = findCommandFiles(join(root, 'src', 'commands'));
  const result = await build({
    entryPoints: { run: join(root, 'scripts', 'bundle-entry.ts') },
    outdir: building,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // Whitespace and syntax only: identifiers keep their names because error handling looks at class names.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    // Never used at run time: optional peers that are not installed (ink's devtools, ws' native speedups) and
    // typescript, which oclif only requires (inside a try) to read tsconfig.json in development mode.
    external: ['react-devtools-core', 'bufferutil', 'utf-8-validate', 'typescript'],
    plugins: [generatedModules(commands), reactProductionBuilds()],
  });
  const retired = `${outdir}.old-${process.pid}`;
  if (existsSync(outdir)) renameSync(outdir, retired);
  renameSync(building, outdir);
  rmSync(retired, { recursive: true, force: true });
  // esbuild named the outputs after the folder it wrote to.
  const from = relative(process.cwd(), building).split(sep).join('/');
  const to = relative(process.cwd(), outdir).split(sep).join('/');
  const metafile = JSON.parse(JSON.stringify(result.metafile).split(`"${from}/`).join(`"${to}/`));
  // Kept beside (not inside) the bundle folder, for tests that check what `--help` loads.
  writeFileSync(`${outdir}-meta.json`, JSON.stringify(metafile));
  return { outdir, commands, metafile };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const outdir = args.includes('--outdir') ? args[args.indexOf('--outdir') + 1] : undefined;
  const started = Date.now();
  const { outdir: out, commands, metafile } = await buildBundle({ outdir });
  const bytes = Object.entries(metafile.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .reduce((sum, [, o]) => sum + o.bytes, 0);
  console.log(
    `bundle: ${relative(root, out)} (${commands.length} commands: ${commands.map((c) => c.id).join(', ')}; ` +
      `${(bytes / 1024 / 1024).toFixed(1)} MiB) in ${Date.now() - started} ms`,
  );
}
