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
