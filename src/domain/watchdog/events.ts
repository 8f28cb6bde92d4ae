import type { BakeFailure, BakeVerdict } from '../health/post-rollout.js';
import type { UpgradeEvent } from '../upgrade/events.js';
import type { WatchdogReport } from './report.js';
import type { MetricResult, WatchdogFailure } from './types.js';

/**
 * Everything a watchdog reports while it runs, in order; the live view, the plain log and `--json` subscribe.
 * Every event carries `at`, the service clock's time.
 */
export type WatchdogRunEvent =
  | {
      type: 'armed';
      release: string;
      namespace: string;
      revision: number;
      /** `--to-revision`, else the last known good revision planned at arming (undefined: none). */
      target?: number;
      armedAt: Date;
      deadline: Date;
      holder: string;
      workloads: number;
      at: Date;
    }
  | {
      /** A fresh bake verdict (on every relevant change; views throttle). */
      type: 'health';
      verdict: Omit<BakeVerdict, 'memory'>;
      at: Date;
    }
  | {
      /** The bake's health state changed (healthy <-> suspect -> degraded): one line in the log of checks. */
      type: 'health-changed';
      state: BakeVerdict['state'];
      failure?: BakeFailure;
      at: Date;
    }
  | { type: 'metric'; result: MetricResult; at: Date }
  | { type: 'degraded'; failure: WatchdogFailure; toRevision?: number; at: Date }
  | {
      /** What the rollback reports (rollback-started, its rollout's progress and verdict, rollback-finished). */
      type: 'rollback';
      event: UpgradeEvent;
      at: Date;
    }
  | { type: 'notice'; level: 'info' | 'warn'; message: string; at: Date }
  | { type: 'finished'; report: WatchdogReport; at: Date };
