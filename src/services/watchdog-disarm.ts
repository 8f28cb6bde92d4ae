import { validateReleaseName } from '../domain/release-name.js';
import { leaseExpired, leaseExpiresAt } from '../domain/watchdog/lease.js';
import type { Clock } from '../ports/clock.js';
import type { ReleaseStore } from '../ports/release-store.js';
import type { WatchdogLeases } from '../ports/watchdog-lease.js';

/** What `watchdog disarm` needs. */
export interface DisarmDeps {
  leases: WatchdogLeases;
  clock: Clock;
  /** When given, disarming a release that does not exist (a typo) is an error, not "no watchdog armed". */
  releases?: Pick<ReleaseStore, 'listHistory'>;
}

/** Which watchdog to disarm, by whom, and how long to wait for it to let go. */
export interface DisarmRequest {
  release: string;
  namespace: string;
  /** Who asks (`user@host`), shown by the watchdog. */
  by: string;
  /** How long to wait for the watchdog to acknowledge (default 30 s). */
  waitMs?: number;
  /** How often to look (default 500 ms). */
  pollMs?: number;
}

/** The result `--json` prints. */
export interface DisarmReport {
  release: string;
  namespace: string;
  /** `disarmed`: the watchdog let go; `none`: no watchdog was armed; `expired`: its holder had stopped renewing, the lease was removed; `not-acknowledged`: it did not let go in time. */
  result: 'disarmed' | 'none' | 'expired' | 'not-acknowledged';
  holder?: string;
  revision?: number;
  deadline?: string;
  message: string;
}

/**
 * `helm autorollback watchdog disarm RELEASE`: asks the release's watchdog, wherever it runs, to disarm (an
 * annotation on its Lease it reads at its next renewal) and waits until it has released the lease. A lease
 * whose holder stopped renewing is removed. Changes nothing else.
 */
export async function disarmWatchdog(deps: DisarmDeps, req: DisarmRequest): Promise<DisarmReport> {
  validateReleaseName(req.release);
  const { clock } = deps;
  const base = { release: req.release, namespace: req.namespace };
  const current = await deps.leases.read(req.release, req.namespace);
  if (!current) {
    // Throws ReleaseNotFoundError (exit 2) for a name that is no release here: a typo must not read as done.
    await deps.releases?.listHistory(req.release, req.namespace);
    return { ...base, result: 'none', message: `no watchdog is armed on ${req.release} in namespace ${req.namespace}` };
  }
  const about = { holder: current.holder, revision: current.revision, deadline: current.deadline.toISOString() };
  if (leaseExpired(current, clock.now())) {
    await deps.leases.remove(req.release, req.namespace);
    return { ...base, ...about, result: 'expired', message: `the watchdog of ${current.holder} stopped renewing its lease at ${leaseExpiresAt(current).toISOString()}; removed the lease` };
  }
  await deps.leases.requestDisarm(req.release, req.namespace, req.by, clock.now());
  const until = clock.now().getTime() + (req.waitMs ?? 30_000);
  while (clock.now().getTime() < until) {
    await clock.sleep(req.pollMs ?? 500);
    const now = await deps.leases.read(req.release, req.namespace);
    if (!now || now.holder !== current.holder) {
      return { ...base, ...about, result: 'disarmed', message: `disarmed the watchdog of ${current.holder} on revision ${current.revision} (it would have ended ${about.deadline})` };
    }
  }
  return { ...base, ...about, result: 'not-acknowledged', message: `asked the watchdog of ${current.holder} to disarm; it has not let go after ${Math.round((req.waitMs ?? 30_000) / 1000)}s (it may be rolling back, or cut off: its lease expires by itself if so)` };
}
