import { load as loadYaml } from 'js-yaml';
import type { LabelSelector, WorkloadKind, WorkloadRef } from './workload-ref.js';

/** API groups each workload kind must come from; a CRD that happens to be called `Job` is not a batch Job. */
const WORKLOAD_GROUPS: Record<WorkloadKind, string> = {
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  Job: 'batch',
  Pod: '',
  PersistentVolumeClaim: '',
  Service: '',
};

/**
 * Built-in kinds with nothing to wait for (no status, or one kstatus calls Current at once): not watched.
 * Services are workloads only when of type LoadBalancer (see toWorkloadRef). Every other kind of a manifest is
 * judged by the kstatus conventions.
 */
const NOTHING_TO_WAIT_FOR: Readonly<Record<string, readonly string[]>> = {
  '': ['ConfigMap', 'Secret', 'ServiceAccount', 'Endpoints', 'ResourceQuota', 'LimitRange', 'Namespace', 'PersistentVolume', 'ReplicationController', 'PodTemplate'],
  apps: ['ReplicaSet', 'ControllerRevision'],
  batch: ['CronJob'],
  'rbac.authorization.k8s.io': ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
  'networking.k8s.io': ['NetworkPolicy', 'Ingress', 'IngressClass'],
  policy: ['PodDisruptionBudget'],
  autoscaling: ['HorizontalPodAutoscaler'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'VolumeAttachment'],
  'scheduling.k8s.io': ['PriorityClass'],
  'admissionregistration.k8s.io': [
    'MutatingWebhookConfiguration',
    'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
  ],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'discovery.k8s.io': ['EndpointSlice'],
  'coordination.k8s.io': ['Lease'],
  'node.k8s.io': ['RuntimeClass'],
};

/** Whether a kind of the manifest has nothing to wait for (see NOTHING_TO_WAIT_FOR). */
function nothingToWaitFor(group: string, kind: string): boolean {
  return NOTHING_TO_WAIT_FOR[group]?.includes(kind) ?? false;
}

/**
 * A hook as stored in a Helm release record. Structural on purpose: Helm writes `delete_policies` in its JSON,
 * a decoded model may call it `deletePolicies`; both are read.
 */
export interface HookLike {
  name?: string;
  kind?: string;
  manifest?: string;
  events?: readonly string[];
  delete_policies?: readonly string[];
  deletePolicies?: readonly string[];
}

/** Result of {@link parseManifest}: the workloads and one line per document that could not be read. */
export interface ParsedManifest {
  workloads: WorkloadRef[];
  warnings: string[];
}

/**
 * The workloads (Deployments, StatefulSets, DaemonSets, Jobs, bare Pods) of a rendered Helm manifest, in
 * manifest order. Objects without a namespace get `defaultNamespace`. Unreadable documents are skipped.
 */
export function workloadsFromManifest(manifest: string, defaultNamespace: string): WorkloadRef[] {
  return parseManifest(manifest, defaultNamespace).workloads;
}

/** Like {@link workloadsFromManifest}, also returning a warning for each document that is not valid YAML. */
export function parseManifest(manifest: string, defaultNamespace: string): ParsedManifest {
  const workloads: WorkloadRef[] = [];
  const warnings: string[] = [];
  splitDocuments(manifest).forEach((doc, index) => {
    let parsed: unknown;
    try {
      parsed = loadYaml(doc);
    } catch (err) {
      warnings.push(`manifest document ${index + 1} is not valid YAML: ${firstLine(err)}`);
      return;
    }
    for (const obj of flattenLists(parsed)) {
      const ref = toWorkloadRef(obj, defaultNamespace);
      if (ref) workloads.push(ref);
    }
  });
  return { workloads, warnings };
}

/**
 * The Job and Pod hooks of a release as workloads, each marked with its hook events. With `events`, only
 * hooks that run on at least one of them (e.g. `['pre-upgrade', 'post-upgrade']`).
 */
export function hookWorkloads(
  hooks: readonly HookLike[] | undefined,
  defaultNamespace: string,
  events?: readonly string[],
): WorkloadRef[] {
  const refs: WorkloadRef[] = [];
  for (const hook of hooks ?? []) {
    const hookEvents = [...(hook.events ?? [])];
    if (events && !hookEvents.some((e) => events.includes(e))) continue;
    const deletePolicies = [...(hook.delete_policies ?? hook.deletePolicies ?? [])];
    for (const ref of workloadsFromManifest(hook.manifest ?? '', defaultNamespace)) {
      if (ref.generic || (ref.kind !== 'Job' && ref.kind !== 'Pod')) continue;
      refs.push({ ...ref, hook: { events: hookEvents, deletePolicies } });
    }
  }
  return refs;
}

/**
 * Every object of a rendered manifest (List kinds flattened), in manifest order; documents that are not valid
 * YAML are skipped (parseManifest reports them).
 */
export function manifestObjects(manifest: string): Record<string, unknown>[] {
  const objects: Record<string, unknown>[] = [];
  for (const doc of splitDocuments(manifest)) {
    try {
      objects.push(...flattenLists(loadYaml(doc)));
    } catch {
      // reported by parseManifest where it matters
    }
  }
  return objects;
}

/** Helm joins documents with `---` lines; splitting first lets one bad document not hide the others. */
function splitDocuments(manifest: string): string[] {
  return manifest
    .split(/^---[ \t]*(?:#.*)?$/m)
    .map((d) => d.trim())
    .filter((d) => d.length > 0);
}

function flattenLists(parsed: unknown): Record<string, unknown>[] {
  if (!isRecord(parsed)) return [];
  const kind = parsed.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(parsed.items)) {
    return parsed.items.filter(isRecord);
  }
  return [parsed];
}

function toWorkloadRef(obj: Record<string, unknown>, defaultNamespace: string): WorkloadRef | undefined {
  const kind = obj.kind;
  const apiVersion = obj.apiVersion;
  if (typeof kind !== 'string' || typeof apiVersion !== 'string' || kind === '') return undefined;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const metadata = isRecord(obj.metadata) ? obj.metadata : {};
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') return undefined;
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : defaultNamespace;
  if (!(kind in WORKLOAD_GROUPS) || group !== WORKLOAD_GROUPS[kind as WorkloadKind]) {
    if (nothingToWaitFor(group, kind)) return undefined;
    return { apiVersion, kind, namespace, name, generic: true };
  }
  const workloadKind = kind as WorkloadKind;
  const ref: WorkloadRef = { apiVersion, kind: workloadKind, namespace, name };
  const spec = isRecord(obj.spec) ? obj.spec : {};
  if (workloadKind === 'PersistentVolumeClaim') return ref;
  // A Service is waited for only as helm 3's --wait does: type LoadBalancer without externalIPs needs an address.
  if (workloadKind === 'Service') return spec.type === 'LoadBalancer' && !(Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0) ? ref : undefined;
  if (workloadKind === 'Pod') {
    describeTemplate(ref, metadata, spec);
    return ref;
  }
  const template = isRecord(spec.template) ? spec.template : {};
  describeTemplate(ref, isRecord(template.metadata) ? template.metadata : {}, isRecord(template.spec) ? template.spec : {});
  const selector = labelSelector(spec.selector);
  if (selector) ref.selector = selector;
  return ref;
}

function describeTemplate(ref: WorkloadRef, metadata: Record<string, unknown>, podSpec: Record<string, unknown>): void {
  const labels = stringMap(metadata.labels);
  if (labels) ref.templateLabels = labels;
  const annotations = stringMap(metadata.annotations);
  if (annotations) ref.templateAnnotations = annotations;
  const images: Record<string, string> = {};
  for (const list of [podSpec.initContainers, podSpec.containers]) {
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (isRecord(c) && typeof c.name === 'string' && typeof c.image === 'string') images[c.name] = c.image;
    }
  }
  if (Object.keys(images).length > 0) ref.images = images;
}

function labelSelector(value: unknown): LabelSelector | undefined {
  if (!isRecord(value)) return undefined;
  const selector: LabelSelector = {};
  const matchLabels = stringMap(value.matchLabels);
  if (matchLabels) selector.matchLabels = matchLabels;
  if (Array.isArray(value.matchExpressions)) {
    selector.matchExpressions = value.matchExpressions.filter(isRecord).flatMap((e) =>
      typeof e.key === 'string' && typeof e.operator === 'string'
        ? [
            {
              key: e.key,
              operator: e.operator,
              ...(Array.isArray(e.values) ? { values: e.values.map((v) => String(v)) } : {}),
            },
          ]
        : [],
    );
  }
  return selector.matchLabels || selector.matchExpressions ? selector : undefined;
}

/** Label values may be written unquoted (`version: 2`); Kubernetes would reject non-strings, we stringify. */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && v !== undefined) out[k] = String(v);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

/** The helm action whose hooks run with a revision: `upgrade --install` runs install hooks for a new release. */
export type ReleaseAction = 'install' | 'upgrade' | 'rollback';

/** The hook events helm runs around each action (the ones whose Jobs a rollout must wait for). */
export const HOOK_EVENTS: Record<ReleaseAction, readonly string[]> = {
  install: ['pre-install', 'post-install'],
  upgrade: ['pre-upgrade', 'post-upgrade'],
  rollback: ['pre-rollback', 'post-rollback'],
};

/**
 * Everything to watch for one revision: the workloads of its manifest, then the Job/Pod hooks that run for
 * `action`. `release` is structurally a decoded Release (`src/domain/release`).
 */
export function releaseWorkloads(
  release: { manifest: string; hooks?: readonly HookLike[]; namespace?: string },
  action: ReleaseAction,
  defaultNamespace?: string,
): WorkloadRef[] {
  const namespace = release.namespace || defaultNamespace || 'default';
  return [
    ...workloadsFromManifest(release.manifest, namespace),
    ...hookWorkloads(release.hooks, namespace, HOOK_EVENTS[action]),
  ];
}
