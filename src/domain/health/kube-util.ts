import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import type { LabelSelector } from '../manifest/workload-ref.js';

/**
 * A timestamp from a Kubernetes object as a Date: client-node gives Dates, raw JSON gives RFC 3339 strings.
 * Anything unreadable is undefined rather than an Invalid Date.
 */
export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' && value !== '') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/**
 * `date` truncated to whole seconds: Kubernetes writes most timestamps (creationTimestamp, condition and
 * event times) with one-second precision, so "created after T" must compare against T's second.
 */
export function floorToSecond(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * The latest real instant a recorded timestamp can stand for, in ms. The API server stores most timestamps
 * (condition transitions, container start/finish, event times) truncated to the second, so "12:00:04Z" means
 * some moment in [12:00:04, 12:00:05). A grace period or stability window counted from the recorded value
 * could end up to a second early; counting from the end of that second never does. A timestamp with a
 * sub-second part (MicroTime, or a test fixture) is taken as exact.
 */
export function latestInstant(date: Date): number {
  const t = date.getTime();
  return t % 1000 === 0 ? t + 1000 : t;
}

/** The earliest of some optional dates. */
export function earliest(...dates: Array<Date | undefined>): Date | undefined {
  let best: Date | undefined;
  for (const d of dates) if (d && (!best || d.getTime() < best.getTime())) best = d;
  return best;
}

/** Whether `labels` satisfy a label selector (matchLabels and matchExpressions, as the API server does). */
export function matchesSelector(labels: Record<string, string> | undefined, selector: LabelSelector | undefined): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (have[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(have, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!present || !values.includes(have[e.key] as string)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(have[e.key] as string)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The controller owner reference of an object, if any. */
export function controllerOf(meta: V1ObjectMeta | undefined): V1OwnerReference | undefined {
  return meta?.ownerReferences?.find((o) => o.controller === true);
}

/**
 * Whether `child` is controlled by `owner` of the given kind. Compares uids when both sides have one (a
 * deleted-and-recreated owner with the same name is another object), names otherwise.
 */
export function isControlledBy(child: V1ObjectMeta | undefined, kind: string, owner: V1ObjectMeta | undefined): boolean {
  const ref = controllerOf(child);
  if (!ref || ref.kind !== kind) return false;
  if (ref.uid && owner?.uid) return ref.uid === owner.uid;
  return ref.name === owner?.name;
}

/** A condition of the given type from a status.conditions list. */
export function findCondition<C extends { type?: string }>(conditions: readonly C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type);
}

/** `5m0s`, `30s`, `1.5s`, `250ms`: durations the way Go and kubectl print them. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  if (totalSeconds < 60) return `${Number.isInteger(totalSeconds) ? totalSeconds : totalSeconds.toFixed(1)}s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Math.round(totalSeconds % 60);
  return hours > 0 ? `${hours}h${minutes}m${seconds}s` : `${minutes}m${seconds}s`;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity (`500m`, `2`, `512Mi`, `1e9`) as a number (cores, bytes); undefined when unreadable. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*\+?(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)\s*$/.exec(value);
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2]);
  const suffix = m[3] ?? '';
  return base * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}
