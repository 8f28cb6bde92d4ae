import type { ResourceType } from '../store/types.js';

/** The verbs a plain resource serves. */
export const standardVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Spec {
  plural: string;
  kind: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  sub?: Array<'status' | 'scale'>;
  singular?: string;
}

function group(groupName: string, version: string, specs: Spec[], versions?: string[]): ResourceType[] {
  return specs.map((s) => ({
    group: groupName,
    version,
    ...(versions ? { versions } : {}),
    plural: s.plural,
    singular: s.singular ?? s.kind.toLowerCase(),
    kind: s.kind,
    listKind: `${s.kind}List`,
    namespaced: s.namespaced ?? true,
    ...(s.shortNames ? { shortNames: s.shortNames } : {}),
    ...(s.categories ? { categories: s.categories } : {}),
    subresources: s.sub ?? [],
    verbs: s.plural === 'namespaces' || s.plural === 'nodes' ? standardVerbs.filter((v) => v !== 'deletecollection' || s.plural === 'nodes') : standardVerbs,
  }));
}

const all = ['all'];

/**
 * The built-in resource types the simulator serves, one entry per (group, plural). `version` is the preferred
 * (and stored) version; `versions` lists every served version when there is more than one (autoscaling v2 and v1).
 */
export const builtinResourceTypes: readonly ResourceType[] = [
  ...group('', 'v1', [
    { plural: 'pods', kind: 'Pod', shortNames: ['po'], categories: all, sub: ['status'] },
    { plural: 'services', kind: 'Service', shortNames: ['svc'], categories: all, sub: ['status'] },
    { plural: 'endpoints', kind: 'Endpoints', shortNames: ['ep'], singular: 'endpoints' },
    { plural: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] },
    { plural: 'secrets', kind: 'Secret' },
    { plural: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'] },
    { plural: 'namespaces', kind: 'Namespace', shortNames: ['ns'], namespaced: false, sub: ['status'] },
    { plural: 'nodes', kind: 'Node', shortNames: ['no'], namespaced: false, sub: ['status'] },
    { plural: 'events', kind: 'Event', shortNames: ['ev'] },
    { plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', shortNames: ['pvc'], sub: ['status'] },
    { plural: 'persistentvolumes', kind: 'PersistentVolume', shortNames: ['pv'], namespaced: false, sub: ['status'] },
    { plural: 'replicationcontrollers', kind: 'ReplicationController', shortNames: ['rc'], categories: all, sub: ['status', 'scale'] },
    { plural: 'limitranges', kind: 'LimitRange', shortNames: ['limits'] },
    { plural: 'resourcequotas', kind: 'ResourceQuota', shortNames: ['quota'], sub: ['status'] },
    { plural: 'podtemplates', kind: 'PodTemplate' },
  ]),
  ...group('apps', 'v1', [
    { plural: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: all, sub: ['status', 'scale'] },
    { plural: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: all, sub: ['status', 'scale'] },
    { plural: 'statefulsets', kind: 'StatefulSet', shortNames: ['sts'], categories: all, sub: ['status', 'scale'] },
    { plural: 'daemonsets', kind: 'DaemonSet', shortNames: ['ds'], categories: all, sub: ['status'] },
    { plural: 'controllerrevisions', kind: 'ControllerRevision' },
  ]),
  ...group('batch', 'v1', [
    { plural: 'jobs', kind: 'Job', categories: all, sub: ['status'] },
    { plural: 'cronjobs', kind: 'CronJob', shortNames: ['cj'], categories: all, sub: ['status'] },
  ]),
  ...group('policy', 'v1', [{ plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', shortNames: ['pdb'], sub: ['status'] }]),
  ...group('networking.k8s.io', 'v1', [
    { plural: 'ingresses', kind: 'Ingress', shortNames: ['ing'], sub: ['status'] },
    { plural: 'networkpolicies', kind: 'NetworkPolicy', shortNames: ['netpol'] },
    { plural: 'ingressclasses', kind: 'IngressClass', namespaced: false },
  ]),
  ...group('discovery.k8s.io', 'v1', [{ plural: 'endpointslices', kind: 'EndpointSlice' }]),
  ...group('autoscaling', 'v2', [{ plural: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], categories: all, sub: ['status'] }], ['v2', 'v1']),
  ...group('rbac.authorization.k8s.io', 'v1', [
    { plural: 'roles', kind: 'Role' },
    { plural: 'rolebindings', kind: 'RoleBinding' },
    { plural: 'clusterroles', kind: 'ClusterRole', namespaced: false },
    { plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  ]),
  ...group('coordination.k8s.io', 'v1', [{ plural: 'leases', kind: 'Lease' }]),
  ...group('events.k8s.io', 'v1', [{ plural: 'events', kind: 'Event', shortNames: ['ev'] }]),
  ...group('apiextensions.k8s.io', 'v1', [
    { plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', shortNames: ['crd', 'crds'], namespaced: false, sub: ['status'] },
  ]),
  ...group('storage.k8s.io', 'v1', [
    { plural: 'storageclasses', kind: 'StorageClass', shortNames: ['sc'], namespaced: false },
    { plural: 'csidrivers', kind: 'CSIDriver', namespaced: false },
  ]),
  // Stored and served only: the simulator never calls a webhook nor evaluates a policy's CEL expressions.
  ...group('admissionregistration.k8s.io', 'v1', [
    { plural: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', namespaced: false, categories: ['api-extensions'] },
    { plural: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', namespaced: false, categories: ['api-extensions'] },
    { plural: 'validatingadmissionpolicies', kind: 'ValidatingAdmissionPolicy', namespaced: false, categories: ['api-extensions'], sub: ['status'] },
    { plural: 'validatingadmissionpolicybindings', kind: 'ValidatingAdmissionPolicyBinding', namespaced: false, categories: ['api-extensions'] },
  ]),
  ...group('scheduling.k8s.io', 'v1', [{ plural: 'priorityclasses', kind: 'PriorityClass', shortNames: ['pc'], namespaced: false }]),
];

/** Every version a resource type is served at (its `versions`, else just its `version`). */
export function servedVersions(type: ResourceType): string[] {
  return type.versions && type.versions.length > 0 ? type.versions : [type.version];
}

/** `apps/v1`, or `v1` for the core group. */
export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
