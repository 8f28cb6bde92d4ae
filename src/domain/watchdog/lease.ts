/**
 * The watchdog's Lease object (coordination.k8s.io/v1) and this tool's record, both ways. Pure. The holder,
 * renewals and expiry live in the spec, as leader election uses them; what `status` shows lives in
 * annotations.
 */
/** A watchdog's lease as this tool reads it. */
export interface WatchdogLeaseRecord {
  /** Holder identity (`user@host/pid/random`). */
  holder: string;
  /** The revision the watchdog bakes. */
  revision: number;
  /** `--to-revision`, when given. */
  target?: number;
  /** When the bake ends. */
  deadline: Date;
  /** spec.leaseDurationSeconds in ms: the lease expires this long after its last renewal. */
  durationMs: number;
  acquiredAt: Date;
  renewedAt: Date;
  /** spec.leaseTransitions: how often the lease changed holder. */
  transitions: number;
  /** Set by `watchdog disarm`: the holder disarms at its next renewal. */
  disarm?: { by: string; at: Date };
}

/** The Lease of `release`'s watchdog (release names are at most 53 characters, so this fits). */
export function leaseName(release: string): string {
  return `autorollback-${release}`;
}

/** Annotation keys on the Lease. */
export const LEASE_ANNOTATIONS = {
  revision: 'autorollback.helm.sh/revision',
  target: 'autorollback.helm.sh/target',
  deadline: 'autorollback.helm.sh/deadline',
  disarm: 'autorollback.helm.sh/disarm-requested',
} as const;

/** The Lease fields this tool writes (timestamps as Dates; the adapter writes them in MicroTime form). */
export interface LeaseFields {
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string>; resourceVersion?: string };
  spec: { holderIdentity: string; leaseDurationSeconds: number; acquireTime: Date; renewTime: Date; leaseTransitions: number };
}

/** The Lease for a record. */
export function encodeLease(release: string, namespace: string, r: WatchdogLeaseRecord, resourceVersion?: string): LeaseFields {
  const annotations: Record<string, string> = {
    [LEASE_ANNOTATIONS.revision]: String(r.revision),
    [LEASE_ANNOTATIONS.deadline]: r.deadline.toISOString(),
  };
  if (r.target !== undefined) annotations[LEASE_ANNOTATIONS.target] = String(r.target);
  if (r.disarm) annotations[LEASE_ANNOTATIONS.disarm] = JSON.stringify({ by: r.disarm.by, at: r.disarm.at.toISOString() });
  return {
    metadata: {
      name: leaseName(release),
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'helm-autorollback', 'autorollback.helm.sh/release': release },
      annotations,
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    spec: {
      holderIdentity: r.holder,
      // Whole seconds, rounded up so the lease never expires earlier than asked.
      leaseDurationSeconds: Math.max(1, Math.ceil(r.durationMs / 1000)),
      acquireTime: r.acquiredAt,
      renewTime: r.renewedAt,
      leaseTransitions: r.transitions,
    },
  };
}

/** A Lease as raw JSON or a client-node model: only the fields read here. */
export interface LeaseLike {
  metadata?: { annotations?: Record<string, string> };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: Date | string; renewTime?: Date | string; leaseTransitions?: number };
}

/** The record of a Lease, or undefined when it is not a watchdog's (no holder, no revision). */
export function decodeLease(lease: LeaseLike | undefined): WatchdogLeaseRecord | undefined {
  const spec = lease?.spec;
  const a = lease?.metadata?.annotations ?? {};
  const revision = Number(a[LEASE_ANNOTATIONS.revision]);
  const renewedAt = date(spec?.renewTime) ?? date(spec?.acquireTime);
  if (!spec?.holderIdentity || !Number.isInteger(revision) || revision < 1 || !renewedAt) return undefined;
  const record: WatchdogLeaseRecord = {
    holder: spec.holderIdentity,
    revision,
    deadline: date(a[LEASE_ANNOTATIONS.deadline]) ?? renewedAt,
    durationMs: (spec.leaseDurationSeconds ?? 0) * 1000,
    acquiredAt: date(spec.acquireTime) ?? renewedAt,
    renewedAt,
    transitions: spec.leaseTransitions ?? 0,
  };
  const target = Number(a[LEASE_ANNOTATIONS.target]);
  if (a[LEASE_ANNOTATIONS.target] !== undefined && Number.isInteger(target) && target > 0) record.target = target;
  const disarm = parseDisarm(a[LEASE_ANNOTATIONS.disarm]);
  if (disarm) record.disarm = disarm;
  return record;
}

/** When the lease expires: its last renewal plus its duration. */
export function leaseExpiresAt(r: WatchdogLeaseRecord): Date {
  return new Date(r.renewedAt.getTime() + r.durationMs);
}

/** Whether the lease expired at `now` (its holder stopped renewing: crashed, or cut off). */
export function leaseExpired(r: WatchdogLeaseRecord, now: Date): boolean {
  return now.getTime() >= leaseExpiresAt(r).getTime();
}

/**
 * Whether a watchdog arming for `claim` may take the lease `current`: it expired (its holder stopped renewing:
 * killed, or cut off), it is the claimant's own, or it bakes an older revision. A newer deploy ends that bake
 * anyway (its watchdog stands down when it sees the new revision, or at its next renewal), so the newer
 * revision's watchdog takes over at once instead of leaving the new revision unguarded.
 */
export function leaseYields(current: WatchdogLeaseRecord, claim: { holder: string; revision: number }, now: Date): boolean {
  return leaseExpired(current, now) || current.holder === claim.holder || current.revision < claim.revision;
}

function parseDisarm(raw: string | undefined): { by: string; at: Date } | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as { by?: unknown; at?: unknown };
    const at = date(v.at);
    return typeof v.by === 'string' && at ? { by: v.by, at } : { by: 'unknown', at: new Date(0) };
  } catch {
    // Anything there is still a request to disarm, even if a person wrote it by hand.
    return { by: raw, at: new Date(0) };
  }
}

function date(v: unknown): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
  if (typeof v !== 'string' || v === '') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
