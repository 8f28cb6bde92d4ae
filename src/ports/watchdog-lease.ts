/**
 * The lock that keeps two watchdogs of one release from both acting: a coordination.k8s.io/v1 Lease
 * `autorollback-<release>` next to the release, holding the holder's identity, renewals and expiry, plus what
 * `status` shows (the baked revision, the target, the deadline) and a disarm request from another process.
 * Adapter: src/kube/watchdog-lease.ts (over any {@link LeaseApi}: the Kubernetes API, or an in-memory fake).
 */

import type { WatchdogLeaseRecord } from '../domain/watchdog/lease.js';

export type { WatchdogLeaseRecord };

/** What a watchdog claims when it arms. */
export interface LeaseClaim {
  holder: string;
  revision: number;
  target?: number;
  deadline: Date;
  durationMs: number;
}

/** The result of {@link WatchdogLeases.acquire}: ours, or someone else's still-live lease. */
export type AcquireResult = { acquired: true; lease: WatchdogLeaseRecord } | { acquired: false; current: WatchdogLeaseRecord };

/** The result of a renewal: renewed, lost (someone else holds it, or it is gone), or a disarm request. */
export type RenewResult = { renewed: true } | { lost: string } | { disarm: { by: string; at: Date } };

/** Lease operations per release, all optimistic (resourceVersion): two callers never both win. */
export interface WatchdogLeases {
  /** The release's lease, or undefined when there is none. */
  read(release: string, namespace: string): Promise<WatchdogLeaseRecord | undefined>;
  /** Takes the lease when there is none or it yields to the claim (expired at `now`, or older: see leaseYields); else returns it. */
  acquire(release: string, namespace: string, claim: LeaseClaim, now: Date): Promise<AcquireResult>;
  /** Renews the lease if `holder` still holds it. */
  renew(release: string, namespace: string, holder: string, now: Date): Promise<RenewResult>;
  /** Deletes the lease if `holder` still holds it; a lease that is gone or someone else's is left alone. */
  release(release: string, namespace: string, holder: string): Promise<void>;
  /** Asks the current holder to disarm; returns the lease as it was before, or undefined when there is none. */
  requestDisarm(release: string, namespace: string, by: string, now: Date): Promise<WatchdogLeaseRecord | undefined>;
  /** Deletes the lease whoever holds it (one whose holder stopped renewing). */
  remove(release: string, namespace: string): Promise<void>;
}
