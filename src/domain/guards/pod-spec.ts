/** Reading pod specs out of rendered objects, for the guards. Pure. */

/** A container as the guards read it. */
export interface ContainerLike {
  name?: string;
  image?: string;
  command?: unknown;
  args?: unknown;
  env?: unknown;
  envFrom?: unknown;
}

/** The pod spec of a workload-like object (Pod, Job, CronJob, Deployment, StatefulSet, DaemonSet, ReplicaSet), if any. */
export function podSpecOf(obj: Record<string, unknown>): Record<string, unknown> | undefined {
  const spec = record(obj.spec);
  if (!spec) return undefined;
  if (obj.kind === 'Pod') return spec;
  if (obj.kind === 'CronJob') return record(record(record(record(spec.jobTemplate)?.spec)?.template)?.spec);
  return record(record(spec.template)?.spec);
}

/** Containers and init containers of a pod spec. */
export function containersOf(podSpec: Record<string, unknown>): ContainerLike[] {
  return [...list(podSpec.initContainers), ...list(podSpec.containers)] as ContainerLike[];
}

/** `metadata.name`, `metadata.namespace`, labels and annotations of an object, tolerant of anything. */
export function metaOf(obj: Record<string, unknown>): { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string> } {
  const m = record(obj.metadata) ?? {};
  return {
    name: typeof m.name === 'string' ? m.name : '',
    ...(typeof m.namespace === 'string' && m.namespace !== '' ? { namespace: m.namespace } : {}),
    labels: strings(m.labels),
    annotations: strings(m.annotations),
  };
}

/** A value as a plain object, or undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The objects of an array value (anything else: empty). */
export function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record).filter((v): v is Record<string, unknown> => v !== undefined) : [];
}

function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}
