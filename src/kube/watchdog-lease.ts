import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { decodeLease, encodeLease, leaseName, leaseYields, type LeaseFields, type LeaseLike, type WatchdogLeaseRecord } from '../domain/watchdog/lease.js';
import type { AcquireResult, LeaseClaim, RenewResult, WatchdogLeases } from '../ports/watchdog-lease.js';
import { KubeUnreachableError } from '../ports/release-store.js';
import { httpStatusOf, mapKubeError, retryTransient, withTimeout } from './errors.js';

/** A Lease as read, with its resourceVersion. */
export interface StoredLease extends LeaseLike {
  metadata?: LeaseLike['metadata'] & { resourceVersion?: string };
}

/**
 * The few Lease calls the watchdog needs, failing like the API server: 409 (an `{ code: 409 }` error) for a
 * create that finds one or a write with a stale resourceVersion, 404 for a missing one. Real: {@link kubeLeaseApi}.
 */
export interface LeaseApi {
  /** The lease, or undefined (404). */
  get(namespace: string, name: string): Promise<StoredLease | undefined>;
  create(namespace: string, body: LeaseFields): Promise<void>;
  /** Replaces it; `body.metadata.resourceVersion` is the precondition. */
  replace(namespace: string, name: string, body: LeaseFields): Promise<void>;
  /** Deletes it, only at this resourceVersion when one is given; a missing one is no error. */
  delete(namespace: string, name: string, resourceVersion?: string): Promise<void>;
}

/** Lease operations over any {@link LeaseApi}, optimistic throughout: of two racing callers exactly one wins. */
export function createWatchdogLeases(api: LeaseApi): WatchdogLeases {
  const conflict = (err: unknown) => httpStatusOf(err) === 409;
  // A write whose connection was cut (an API server restart) may or may not have been applied. Every write here is
  // conditional (a create fails on an existing lease, a replace on a newer resourceVersion), so reading again and
  // retrying is safe, and tells which it was.
  const outcomeUnknown = (err: unknown) => err instanceof KubeUnreachableError;
  const read = async (release: string, namespace: string) => {
    const stored = await api.get(namespace, leaseName(release));
    return { stored, record: decodeLease(stored) };
  };
  return {
    async read(release, namespace) {
      return (await read(release, namespace)).record;
    },
    async acquire(release, namespace, claim: LeaseClaim, now): Promise<AcquireResult> {
      for (let attempt = 0; ; attempt++) {
        const { stored, record } = await read(release, namespace);
        // Our own write, applied though its answer was lost.
        if (attempt > 0 && record?.holder === claim.holder) return { acquired: true, lease: record };
        if (record && !leaseYields(record, claim, now)) return { acquired: false, current: record };
        const lease: WatchdogLeaseRecord = {
          holder: claim.holder,
          revision: claim.revision,
          ...(claim.target === undefined ? {} : { target: claim.target }),
          deadline: claim.deadline,
          durationMs: claim.durationMs,
          acquiredAt: now,
          renewedAt: now,
          transitions: stored ? (record?.transitions ?? 0) + 1 : 0,
        };
        try {
          if (stored) await api.replace(namespace, leaseName(release), encodeLease(release, namespace, lease, stored.metadata?.resourceVersion));
          else await api.create(namespace, encodeLease(release, namespace, lease));
          return { acquired: true, lease };
        } catch (err) {
          // Someone else wrote first: look again (they may now hold it). Or the answer was lost: look whether it was ours.
          if ((conflict(err) || outcomeUnknown(err)) && attempt < 4) continue;
          throw err;
        }
      }
    },
    async renew(release, namespace, holder, now): Promise<RenewResult> {
      for (let attempt = 0; ; attempt++) {
        const { stored, record } = await read(release, namespace);
        if (!record) return { lost: 'the lease was deleted' };
        if (record.holder !== holder) return { lost: `${record.holder} holds the lease now` };
        if (record.disarm) return { disarm: record.disarm };
        try {
          await api.replace(namespace, leaseName(release), encodeLease(release, namespace, { ...record, renewedAt: now }, stored?.metadata?.resourceVersion));
          return { renewed: true };
        } catch (err) {
          // A write between our read and our write (a disarm request, or a takeover): read it again.
          if (conflict(err) && attempt < 4) continue;
          throw err;
        }
      }
    },
    async release(release, namespace, holder) {
      for (let attempt = 0; ; attempt++) {
        const { stored, record } = await read(release, namespace);
        if (!record || record.holder !== holder) return;
        try {
          await api.delete(namespace, leaseName(release), stored?.metadata?.resourceVersion);
          return;
        } catch (err) {
          if (conflict(err) && attempt < 4) continue;
          throw err;
        }
      }
    },
    async requestDisarm(release, namespace, by, now) {
      for (let attempt = 0; ; attempt++) {
        const { stored, record } = await read(release, namespace);
        if (!record) return undefined;
        try {
          await api.replace(namespace, leaseName(release), encodeLease(release, namespace, { ...record, disarm: { by, at: now } }, stored?.metadata?.resourceVersion));
          return record;
        } catch (err) {
          if (conflict(err) && attempt < 4) continue;
          throw err;
        }
      }
    },
    async remove(release, namespace) {
      await api.delete(namespace, leaseName(release));
    },
  };
}

/** Options of {@link kubeLeaseApi}. */
export interface KubeLeaseApiOptions {
  kubeConfig: KubeConfig;
  /** API server URL, for error messages. */
  server: string;
  /** Per-request timeout in ms (default 10 000: a renewal must not hang past the lease's expiry). */
  timeoutMs?: number;
}

/** {@link LeaseApi} over coordination.k8s.io/v1 with client-node. Times go out in MicroTime form (6 digits). */
export function kubeLeaseApi(options: KubeLeaseApiOptions): LeaseApi {
  const api = options.kubeConfig.makeApiClient(CoordinationV1Api);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const call = async <T>(verb: string, namespace: string, fn: () => Promise<T>): Promise<T> => {
    try {
      // The lease loop renews every 2 s and judges expiry itself: a short budget keeps it on time.
      return await retryTransient(verb, () => withTimeout(timeoutMs, fn), { budgetMs: timeoutMs, server: options.server });
    } catch (err) {
      throw mapKubeError(err, { server: options.server, verb, resource: 'leases.coordination.k8s.io', namespace });
    }
  };
  const toBody = (f: LeaseFields): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: f.metadata,
    spec: { ...f.spec, acquireTime: new V1MicroTime(f.spec.acquireTime.getTime()), renewTime: new V1MicroTime(f.spec.renewTime.getTime()) },
  });
  return {
    async get(namespace, name) {
      try {
        return (await call('get', namespace, () => api.readNamespacedLease({ name, namespace }))) as StoredLease;
      } catch (err) {
        if (httpStatusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async create(namespace, body) {
      await call('create', namespace, () => api.createNamespacedLease({ namespace, body: toBody(body) }));
    },
    async replace(namespace, name, body) {
      await call('update', namespace, () => api.replaceNamespacedLease({ name, namespace, body: toBody(body) }));
    },
    async delete(namespace, name, resourceVersion) {
      try {
        await call('delete', namespace, () =>
          api.deleteNamespacedLease({ name, namespace, ...(resourceVersion ? { body: { preconditions: { resourceVersion } } } : {}) }),
        );
      } catch (err) {
        if (httpStatusOf(err) === 404) return;
        throw err;
      }
    },
  };
}
