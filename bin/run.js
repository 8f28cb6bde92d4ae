#!/usr/bin/env node
// Entry point used by `helm autorollback` and the npm bin: runs the compiled commands in dist/.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
