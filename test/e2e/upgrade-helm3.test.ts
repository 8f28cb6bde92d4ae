import { defineUpgradeE2E } from './upgrade-e2e-cases.js';

// Every failure mode with helm 3; helm 4 runs the rest (see upgrade-helm4.test.ts) to share the run time.
defineUpgradeE2E(3);
