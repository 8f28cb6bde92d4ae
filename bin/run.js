#!/usr/bin/env node
// Entry point of `helm autorollback` (plugin.yaml) and of the npm bin `helm-autorollback`.
// Checks the Node version first, then runs the esbuild bundle (dist/bundle/run.mjs), which holds the whole CLI:
// no node_modules is needed at run time, so the same files work inside a helm plugin directory.
import module from 'node:module';
import { nodeVersionProblem } from './node-check.js';

var problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write('Error: ' + problem + '\n');
  process.exit(2);
}

// V8 compile cache (Node >= 22.1): the second and later runs skip parsing and compiling the bundle, most of
// start-up after Node's own. Absent on Node 20 (nothing happens); NODE_DISABLE_COMPILE_CACHE=1 turns it off.
if (typeof module.enableCompileCache === 'function') {
  try {
    module.enableCompileCache();
  } catch {
    // A cache folder that cannot be written only costs speed.
  }
}

var bundle = new URL('../dist/bundle/run.mjs', import.meta.url);
var cli;
try {
  cli = await import(bundle.href);
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).indexOf('run.mjs') >= 0) {
    process.stderr.write('Error: the CLI bundle dist/bundle/run.mjs is missing (run `npm run build` first)\n');
    process.exit(1);
  }
  throw error;
}
await cli.main(process.argv.slice(2));
