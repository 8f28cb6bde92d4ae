import { load as loadYaml } from 'js-yaml';
import type { ClusterSnapshot } from '../domain/health/types.js';

/**
 * "Has helm applied this revision's spec to the live object yet?" for changes the health rules cannot see
 * from labels, annotations and images alone (an env var, a ConfigMap reference, a resource request...). Right
 * after helm stores a revision the live Deployment still carries the previous spec; judging its pods then
 * would blame (or credit) the wrong revision. Knowing both manifests, the fields that differ between them tell
 * exactly when the live object has moved: each must hold the new value (or, when the new revision drops the
 * field, no longer the old one, so server defaults do not matter).
 */

/** One pod-template field that differs between the previous and the new manifest. */
interface FieldChange {
  path: string;
  /** Normalized new value; undefined when the new revision does not set the field. */
  after: string | undefined;
  /** Normalized previous value; undefined when the previous revision did not set it. */
  before: string | undefined;
}

/** Workload kinds with a pod template that helm patches in place. */
const GATED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Changes per workload, keyed `Kind/namespace/name`; workloads without changes or new in this revision are absent. */
export type TemplateChanges = ReadonlyMap<string, readonly FieldChange[]>;

/** The pod-template fields each workload of `after` changes compared with `before` (both rendered manifests). */
export function templateChanges(before: string, after: string, namespace: string): TemplateChanges {
  const old = templatesOf(before, namespace);
  const out = new Map<string, FieldChange[]>();
  for (const [key, spec] of templatesOf(after, namespace)) {
    const prev = old.get(key);
    if (!prev) continue;
    const a = flatten(spec);
    const b = flatten(prev);
    const changes: FieldChange[] = [];
    for (const path of new Set([...a.keys(), ...b.keys()])) {
      if (a.get(path) !== b.get(path)) changes.push({ path, after: a.get(path), before: b.get(path) });
    }
    if (changes.length > 0) out.set(key, changes);
  }
  return out;
}

/**
 * The snapshot without the live workloads whose pod template does not show the new revision's changes yet:
 * to the health rules they are simply not there yet ("waiting for helm to apply"). Input untouched.
 */
export function hideUnapplied(snapshot: ClusterSnapshot, changes: TemplateChanges): ClusterSnapshot {
  return splitUnapplied(snapshot, changes).visible;
}

/**
 * Like {@link hideUnapplied}, and also says which workloads it hid (`Kind/name`): they exist with the previous
 * revision's template, which the view says instead of "not created yet".
 */
export function splitUnapplied(snapshot: ClusterSnapshot, changes: TemplateChanges): { visible: ClusterSnapshot; hidden: ReadonlySet<string> } {
  if (changes.size === 0) return { visible: snapshot, hidden: new Set() };
  const visible = hideUnappliedObjects(snapshot, changes);
  const hidden = new Set<string>();
  const kinds = [['Deployment', 'deployments'], ['StatefulSet', 'statefulSets'], ['DaemonSet', 'daemonSets']] as const;
  for (const [kind, field] of kinds) {
    const kept = new Set(visible[field].map((o) => o.metadata?.uid ?? o.metadata?.name));
    for (const o of snapshot[field]) if (!kept.has(o.metadata?.uid ?? o.metadata?.name)) hidden.add(`${kind}/${o.metadata?.name ?? ''}`);
  }
  return { visible, hidden };
}

function hideUnappliedObjects(snapshot: ClusterSnapshot, changes: TemplateChanges): ClusterSnapshot {
  const keep = (kind: string) => (o: { metadata?: { namespace?: string; name?: string }; spec?: unknown }) => {
    const list = changes.get(`${kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`);
    if (!list) return true;
    const template = (o.spec as { template?: { spec?: unknown } } | undefined)?.template?.spec;
    const live = flatten(template);
    return list.every((c) => (c.after !== undefined ? live.get(c.path) === c.after : live.get(c.path) !== c.before));
  };
  return {
    ...snapshot,
    deployments: snapshot.deployments.filter(keep('Deployment')),
    statefulSets: snapshot.statefulSets.filter(keep('StatefulSet')),
    daemonSets: snapshot.daemonSets.filter(keep('DaemonSet')),
  };
}

function templatesOf(manifest: string, namespace: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const doc of manifest.split(/^---[ \t]*(?:#.*)?$/m)) {
    let obj: unknown;
    try {
      obj = loadYaml(doc);
    } catch {
      continue; // the health rules report unreadable documents; here they just are not gated
    }
    if (!isRecord(obj) || typeof obj.kind !== 'string' || !GATED_KINDS.has(obj.kind)) continue;
    const meta = isRecord(obj.metadata) ? obj.metadata : {};
    const spec = isRecord(obj.spec) ? obj.spec : {};
    const template = isRecord(spec.template) ? spec.template : {};
    const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : namespace;
    out.set(`${obj.kind}/${ns}/${String(meta.name ?? '')}`, template.spec);
  }
  return out;
}

/**
 * Leaf paths of a pod spec with normalized values. Lists of named items (containers, env, ports, volumes...)
 * are keyed by name so a reordering is no change; empty lists and objects count as absent, like unset fields.
 */
function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const key = isRecord(item) && typeof item.name === 'string' ? `[${item.name}]` : `[${i}]`;
      flatten(item, `${prefix}${key}`, out);
    });
    return out;
  }
  if (value instanceof Date) {
    out.set(prefix, value.toISOString());
    return out;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  out.set(prefix, normalize(value));
  return out;
}

const QUANTITY = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/;
const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** Scalars as strings; Kubernetes quantities (`0.5`, `500m`, `1Gi`) by value, as the API server canonicalizes them. */
function normalize(value: unknown): string {
  const s = String(value);
  const m = QUANTITY.exec(s);
  if (!m) return s;
  return `q:${Number(m[1]) * (SUFFIX[m[2] ?? ''] as number)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
