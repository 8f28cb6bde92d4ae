import { defineWatchdogMetricsE2E } from './watchdog-metrics-cases.js';

// Every metric case with helm 4: a rise in the error rate rolls back; no data or no Prometheus does not.
defineWatchdogMetricsE2E(4);
