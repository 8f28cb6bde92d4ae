#!/usr/bin/env node
// Development entry: rebuilds the esbuild bundle from src/ (about a second; no type-check, run
// `npm run typecheck` for that), then runs the CLI exactly as bin/run.js does.
import { buildBundle } from '../scripts/build-bundle.js';

await buildBundle();
await import('./run.js');
