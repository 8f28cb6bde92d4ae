import { defineWatchdogMetricsE2E } from './watchdog-metrics-cases.js';

// helm 3: the rollback case only (the no-rollback cases do not depend on helm).
defineWatchdogMetricsE2E(3, { rollbackOnly: true });
