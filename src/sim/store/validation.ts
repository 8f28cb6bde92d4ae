import { invalid } from './errors.js';
import type { KubeObject, ResourceKey, ResourceType } from './types.js';

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const qualifiedName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

const subdomainText =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelText =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Text =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** Kinds whose names are DNS-1035 labels (Services) or RFC 1123 labels (Namespaces); RBAC names are path segments. */
function nameProblem(resource: ResourceKey, name: string): string | undefined {
  if (resource === 'services') {
    if (name.length > 63) return 'must be no more than 63 characters';
    return dns1035Label.test(name) ? undefined : dns1035Text;
  }
  if (resource === 'namespaces') {
    if (name.length > 63) return 'must be no more than 63 characters';
    return dns1123Label.test(name) ? undefined : labelText;
  }
  if (resource.endsWith('.rbac.authorization.k8s.io')) {
    if (name === '.' || name === '..') return `may not be '${name}'`;
    return /[/%]/.test(name) ? "may not contain '/' or '%'" : undefined;
  }
  if (name.length > 253) return 'must be no more than 253 characters';
  return subdomain.test(name) ? undefined : subdomainText;
}

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !subdomain.test(prefix))) return `prefix part ${subdomainText}`;
  if (name.length === 0 || name.length > 63) return 'name part must be no more than 63 characters';
  if (!qualifiedName.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  }
  return undefined;
}

/**
 * The API server's metadata validation: object name format per kind, label keys and values. Throws 422 Invalid
 * worded like the real server.
 */
export function validateMetadata(resource: ResourceKey, type: ResourceType, object: KubeObject): void {
  const causes: Array<{ field: string; message: string }> = [];
  const { name, labels } = object.metadata;
  const nameIssue = nameProblem(resource, name);
  if (nameIssue) causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": ${nameIssue}` });
  for (const [key, value] of Object.entries(labels ?? {})) {
    const keyIssue = labelKeyProblem(key);
    if (keyIssue) causes.push({ field: 'metadata.labels', message: `Invalid value: "${key}": ${keyIssue}` });
    if (typeof value !== 'string') {
      causes.push({ field: `metadata.labels`, message: `Invalid value: ${JSON.stringify(value)}: label values must be strings` });
    } else if (value.length > 63) {
      causes.push({ field: 'metadata.labels', message: `Invalid value: "${value}": must be no more than 63 characters` });
    } else if (!labelValue.test(value)) {
      causes.push({
        field: 'metadata.labels',
        message: `Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      });
    }
  }
  for (const [key, value] of Object.entries(object.metadata.annotations ?? {})) {
    const keyIssue = labelKeyProblem(key);
    if (keyIssue) causes.push({ field: 'metadata.annotations', message: `Invalid value: "${key}": ${keyIssue}` });
    if (typeof value !== 'string') causes.push({ field: 'metadata.annotations', message: `Invalid value: ${JSON.stringify(value)}: annotation values must be strings` });
  }
  if (causes.length > 0) throw invalid(type.kind, name, causes, type.group);
}

type Json = Record<string, unknown>;
type Cause = { field: string; message: string };

/** `map[string]string{"a":"b"}`, as Go prints a label map in validation messages. */
function goMap(map: Record<string, string> | undefined): string {
  const entries = Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
}

/** `v1.LabelSelector{MatchLabels:map[string]string{...}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`. */
function goSelector(selector: Json | undefined): string {
  const expressions = (selector?.matchExpressions as unknown[] | undefined) ?? [];
  return `v1.LabelSelector{MatchLabels:${goMap(selector?.matchLabels as Record<string, string>)}, MatchExpressions:[]v1.LabelSelectorRequirement${expressions.length ? JSON.stringify(expressions) : '(nil)'}}`;
}

/** Does a label selector (matchLabels + matchExpressions) select these labels? */
function selects(selector: Json, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries((selector.matchLabels as Record<string, string> | undefined) ?? {})) if (labels[k] !== v) return false;
  for (const e of (selector.matchExpressions as Array<{ key: string; operator: string; values?: string[] }> | undefined) ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v as Json).filter((k) => (v as Json)[k] !== undefined).sort().map((k) => [k, sortKeys((v as Json)[k])]));
  }
  return v;
}

function podSpecCauses(spec: Json | undefined, at: string, restartPolicies?: { allowed: string[]; message: string }): Cause[] {
  const causes: Cause[] = [];
  const containers = (spec?.containers as Json[] | undefined) ?? [];
  if (containers.length === 0) causes.push({ field: `${at}.containers`, message: 'Required value' });
  const seen = new Set<string>();
  const check = (list: Json[], field: string) =>
    list.forEach((c, i) => {
      const name = c.name;
      if (typeof name !== 'string' || name === '') causes.push({ field: `${at}.${field}[${i}].name`, message: 'Required value' });
      else if (seen.has(name)) causes.push({ field: `${at}.${field}[${i}].name`, message: `Duplicate value: ${JSON.stringify(name)}` });
      else seen.add(name);
      if (typeof c.image !== 'string' || c.image.trim() === '') causes.push({ field: `${at}.${field}[${i}].image`, message: 'Required value' });
    });
  check((spec?.initContainers as Json[] | undefined) ?? [], 'initContainers');
  check(containers, 'containers');
  const policy = spec?.restartPolicy as string | undefined;
  if (restartPolicies && policy !== undefined && !restartPolicies.allowed.includes(policy)) {
    causes.push({ field: `${at}.restartPolicy`, message: restartPolicies.message.replace('%s', policy) });
  }
  return causes;
}

const workloadKinds: Record<string, { restart?: { allowed: string[]; message: string } }> = {
  'deployments.apps': { restart: { allowed: ['Always'], message: 'Unsupported value: "%s": supported values: "Always"' } },
  'replicasets.apps': { restart: { allowed: ['Always'], message: 'Unsupported value: "%s": supported values: "Always"' } },
  'daemonsets.apps': { restart: { allowed: ['Always'], message: 'Unsupported value: "%s": supported values: "Always"' } },
  'statefulsets.apps': { restart: { allowed: ['Always'], message: 'Unsupported value: "%s": supported values: "Always"' } },
  'jobs.batch': { restart: { allowed: ['OnFailure', 'Never'], message: 'Required value: valid values: "OnFailure", "Never"' } },
};

const statefulSetMutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** Pod fields an update may change (besides containers[*].image and initContainers[*].image). */
function podSpecWithoutMutable(spec: Json | undefined, previous: Json | undefined): Json {
  const s = structuredClone(spec ?? {}) as Json;
  for (const list of ['containers', 'initContainers']) {
    for (const c of (s[list] as Json[] | undefined) ?? []) delete c.image;
  }
  delete s.activeDeadlineSeconds;
  delete s.terminationGracePeriodSeconds;
  delete s.tolerations;
  delete s.schedulingGates;
  // Binding a pending pod to a node (the scheduler's binding) is not a spec update.
  if (!previous?.nodeName) delete s.nodeName;
  return s;
}

/**
 * The API server's spec validation for the kinds helm charts carry most: required container images and names,
 * selectors matching template labels, restart policies, and the immutable fields helm upgrades run into (Deployment,
 * ReplicaSet and DaemonSet selectors, Job template/selector/completions, StatefulSet fields other than the updatable
 * ones, Pod spec except images, immutable ConfigMaps/Secrets). `previous` is the stored object for an update.
 * Throws 422 Invalid with the real server's wording.
 */
export function validateSpec(resource: ResourceKey, type: ResourceType, object: KubeObject, previous?: KubeObject): void {
  const causes: Cause[] = [];
  const spec = object.spec as Json | undefined;
  const prevSpec = previous?.spec as Json | undefined;
  const workload = workloadKinds[resource];
  if (workload) {
    const selector = spec?.selector as Json | undefined;
    const template = spec?.template as Json | undefined;
    const labels = ((template?.metadata as Json | undefined)?.labels as Record<string, string> | undefined) ?? {};
    if (!selector) causes.push({ field: 'spec.selector', message: 'Required value' });
    else if (Object.keys((selector.matchLabels as Json | undefined) ?? {}).length === 0 && ((selector.matchExpressions as unknown[] | undefined) ?? []).length === 0) {
      causes.push({ field: 'spec.selector', message: `Invalid value: ${goSelector(selector)}: empty selector is invalid for deployment` });
    } else if (!selects(selector, labels)) {
      causes.push({ field: 'spec.template.metadata.labels', message: `Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\`` });
    }
    causes.push(...podSpecCauses(template?.spec as Json | undefined, 'spec.template.spec', workload.restart));
    if (previous && prevSpec) {
      if (resource === 'statefulsets.apps') {
        const strip = (s: Json | undefined) => Object.fromEntries(Object.entries(s ?? {}).filter(([k]) => !statefulSetMutable.includes(k)));
        if (!sameJson(strip(spec), strip(prevSpec))) {
          causes.push({
            field: 'spec',
            message:
              "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
          });
        }
      } else if (!sameJson(selector, prevSpec.selector)) {
        causes.push({ field: 'spec.selector', message: `Invalid value: ${goSelector(selector)}: field is immutable` });
      }
      if (resource === 'jobs.batch') {
        if (!sameJson(template, prevSpec.template)) causes.push({ field: 'spec.template', message: `Invalid value: core.PodTemplateSpec${JSON.stringify(template)}: field is immutable` });
        if (!sameJson(spec?.completions, prevSpec.completions)) causes.push({ field: 'spec.completions', message: `Invalid value: ${String(spec?.completions)}: field is immutable` });
      }
    }
  }
  if (resource === 'pods') {
    causes.push(...podSpecCauses(spec, 'spec'));
    if (previous && !sameJson(podSpecWithoutMutable(spec, prevSpec), podSpecWithoutMutable(prevSpec, prevSpec))) {
      causes.push({
        field: 'spec',
        message:
          'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      });
    }
  }
  if (resource === 'leases.coordination.k8s.io') {
    const duration = spec?.leaseDurationSeconds;
    if (typeof duration === 'number' && duration <= 0) causes.push({ field: 'spec.leaseDurationSeconds', message: `Invalid value: ${duration}: must be greater than 0` });
    const transitions = spec?.leaseTransitions;
    if (typeof transitions === 'number' && transitions < 0) causes.push({ field: 'spec.leaseTransitions', message: `Invalid value: ${transitions}: must be greater than or equal to 0` });
  }
  if ((resource === 'configmaps' || resource === 'secrets') && previous?.immutable === true) {
    for (const field of ['data', 'binaryData', 'stringData']) {
      if (!sameJson(object[field], previous[field])) causes.push({ field, message: 'Forbidden: field is immutable when `immutable` is set' });
    }
    if (object.immutable !== true) causes.push({ field: 'immutable', message: 'Forbidden: field is immutable when `immutable` is set' });
  }
  if (causes.length > 0) throw invalid(type.kind, object.metadata.name, causes, type.group);
}
