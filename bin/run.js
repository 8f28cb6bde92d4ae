#!/usr/bin/env node
// Entry point of `helm autorollback` (plugin.yaml) and of the npm bin `helm-autorollback`.
// Checks the Node version first, then runs the esbuild bundle (dist/bundle/run.mjs), which holds the whole CLI:
// no node_modules is needed at run time, so the same files work inside a helm plugin directory.
import { nodeVersionProblem } from './node-check.js';

var problem = nodeVersionProblem(process.versions.node);
if (problem) {
  process.stderr.write('Error: ' + problem + '\n');
  process.exit(2);
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
