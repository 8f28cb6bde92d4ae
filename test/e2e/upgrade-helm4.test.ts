import { defineUpgradeE2E } from './upgrade-e2e-cases.js';

// Every failure mode with helm 4 as well.
defineUpgradeE2E(4);
