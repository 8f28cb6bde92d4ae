/**
 * Patch metadata for the built-in kinds helm deploys: which lists merge by which key (Kubernetes'
 * `patchStrategy`/`patchMergeKey` struct tags in k8s.io/api), which maps honour `$retainKeys`, and which
 * lists are atomic (replaced whole). Strategic merge patch and server-side apply both read it.
 */
import type { ResourceType } from '../store/types.js';

/** The patch-relevant shape of one field. Unknown fields: maps merge recursively, lists are atomic. */
export interface SchemaNode {
  /** Known fields of a struct. */
  fields?: Record<string, SchemaNode>;
  /** `merge` = patchStrategy merge: by `mergeKey` for lists of objects, set union for lists of scalars. */
  patchStrategy?: 'merge';
  /** patchMergeKey of a list of objects (strategic merge patch matches items by this key only). */
  mergeKey?: string;
  /** listMapKeys when server-side apply keys items by more than the patchMergeKey (ports: + protocol). */
  listMapKeys?: string[];
  /** The schema of list elements. */
  items?: SchemaNode;
  /** patchStrategy retainKeys (a union struct: `$retainKeys` clears the members not listed). */
  retainKeys?: boolean;
}

const byName = (items?: SchemaNode): SchemaNode => ({ patchStrategy: 'merge', mergeKey: 'name', items });
const conditions: SchemaNode = { patchStrategy: 'merge', mergeKey: 'type' };

const objectMeta: SchemaNode = {
  fields: {
    finalizers: { patchStrategy: 'merge' },
    ownerReferences: { patchStrategy: 'merge', mergeKey: 'uid' },
  },
};

const container: SchemaNode = {
  fields: {
    ports: { patchStrategy: 'merge', mergeKey: 'containerPort', listMapKeys: ['containerPort', 'protocol'] },
    env: byName(),
    volumeMounts: { patchStrategy: 'merge', mergeKey: 'mountPath' },
    volumeDevices: { patchStrategy: 'merge', mergeKey: 'devicePath' },
  },
};

const podSpec: SchemaNode = {
  fields: {
    containers: byName(container),
    initContainers: byName(container),
    ephemeralContainers: byName(container),
    volumes: { patchStrategy: 'merge', mergeKey: 'name', items: { retainKeys: true } },
    imagePullSecrets: byName(),
    hostAliases: { patchStrategy: 'merge', mergeKey: 'ip' },
    topologySpreadConstraints: { patchStrategy: 'merge', mergeKey: 'topologyKey', listMapKeys: ['topologyKey', 'whenUnsatisfiable'] },
    schedulingGates: byName(),
    resourceClaims: { patchStrategy: 'merge', mergeKey: 'name', items: { retainKeys: true } },
  },
};

const podTemplateSpec: SchemaNode = { fields: { metadata: objectMeta, spec: podSpec } };

const withConditions = (spec: SchemaNode): SchemaNode => ({
  fields: { metadata: objectMeta, spec, status: { fields: { conditions } } },
});

const workload = (extra: Record<string, SchemaNode> = {}): SchemaNode =>
  withConditions({ fields: { template: podTemplateSpec, ...extra } });

/** Schemas by `group/kind` (core group: just the kind). */
const KINDS: Record<string, SchemaNode> = {
  Pod: {
    fields: {
      metadata: objectMeta,
      spec: podSpec,
      status: { fields: { conditions, podIPs: { patchStrategy: 'merge', mergeKey: 'ip' } } },
    },
  },
  PodTemplate: { fields: { metadata: objectMeta, template: podTemplateSpec } },
  ReplicationController: workload(),
  'apps/Deployment': workload({ strategy: { retainKeys: true } }),
  'apps/ReplicaSet': workload(),
  'apps/StatefulSet': workload(),
  'apps/DaemonSet': workload(),
  'batch/Job': workload(),
  'batch/CronJob': withConditions({
    fields: { jobTemplate: { fields: { metadata: objectMeta, spec: { fields: { template: podTemplateSpec } } } } },
  }),
  Service: {
    fields: {
      metadata: objectMeta,
      spec: { fields: { ports: { patchStrategy: 'merge', mergeKey: 'port', listMapKeys: ['port', 'protocol'] } } },
      status: { fields: { conditions } },
    },
  },
  Node: {
    fields: {
      metadata: objectMeta,
      status: { fields: { conditions, addresses: { patchStrategy: 'merge', mergeKey: 'type' } } },
    },
  },
  Namespace: withConditions({}),
  PersistentVolumeClaim: withConditions({}),
  'apiextensions.k8s.io/CustomResourceDefinition': withConditions({}),
  'policy/PodDisruptionBudget': withConditions({}),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': { fields: { metadata: objectMeta, webhooks: byName() } },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': { fields: { metadata: objectMeta, webhooks: byName() } },
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': withConditions({}),
  'autoscaling/HorizontalPodAutoscaler': withConditions({}),
};

const DEFAULT: SchemaNode = { fields: { metadata: objectMeta } };

/** API groups compiled into a real kube-apiserver: strategic merge patch works for their kinds only. */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'batch',
  'policy',
  'autoscaling',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'coordination.k8s.io',
  'events.k8s.io',
  'apiextensions.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'admissionregistration.k8s.io',
  'certificates.k8s.io',
  'apiregistration.k8s.io',
  'flowcontrol.apiserver.k8s.io',
]);

/** True when the resource is a built-in kind (strategic merge patch allowed), false for CRD-defined kinds. */
export function isBuiltIn(resource: Pick<ResourceType, 'group'>): boolean {
  return BUILT_IN_GROUPS.has(resource.group);
}

/** The patch schema of a kind; kinds without special lists get one covering object metadata only. */
export function schemaFor(resource: Pick<ResourceType, 'group' | 'kind'>): SchemaNode {
  const key = resource.group ? `${resource.group}/${resource.kind}` : resource.kind;
  return KINDS[key] ?? DEFAULT;
}

/** Defaults of list-map key fields, used when an item leaves them out (as SSA does with OpenAPI defaults). */
export const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

/** The keys server-side apply identifies items of a keyed list by (undefined for sets and atomic lists). */
export function listKeys(node: SchemaNode | undefined): string[] | undefined {
  if (node?.patchStrategy !== 'merge') return undefined;
  return node.listMapKeys ?? (node.mergeKey ? [node.mergeKey] : undefined);
}

/** An item's value for a key field, falling back to the field's default. */
export function keyValue(item: Record<string, unknown>, key: string): unknown {
  return item[key] ?? KEY_DEFAULTS[key];
}

/** True when two keyed-list items have the same identity. */
export function sameItem(a: Record<string, unknown>, b: Record<string, unknown>, keys: string[]): boolean {
  return keys.every((k) => JSON.stringify(keyValue(a, k)) === JSON.stringify(keyValue(b, k)));
}

/** The schema of field `name` inside `node`, if known. */
export function child(node: SchemaNode | undefined, name: string): SchemaNode | undefined {
  return node?.fields?.[name];
}
