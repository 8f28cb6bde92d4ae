#!/usr/bin/env node
// Development entry: recompiles src/ with tsc, then runs the CLI like bin/run.js.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
const { execute } = await import('@oclif/core');
await execute({ development: false, dir: import.meta.url });
