/**
 * kube-sim's RBAC authorizer: decides a request over the Role, ClusterRole, RoleBinding and ClusterRoleBinding
 * objects of the store, as the API server's RBAC authorizer does (aggregated ClusterRoles are not resolved), and
 * words a refusal the way the API server does.
 */
import { StatusError } from '../store/errors.js';
import type { KubeObject } from '../store/types.js';
import type { UserInfo } from './authenticator.js';

/** What a request asks for, as the API server's authorizer sees it. */
export interface RequestAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection; for non-resource paths the lowercased method. */
  verb: string;
  /** A resource request (`/api/...`, `/apis/...` addressing a resource) rather than a non-resource path. */
  resourceRequest: boolean;
  /** The URL path of a non-resource request. */
  path?: string;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** One rule of a Role or ClusterRole (rbac.authorization.k8s.io/v1 PolicyRule). */
export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** Where the authorizer reads the RBAC objects from (the store, or a fixed list in tests). */
export interface RbacSource {
  clusterRoleBindings(): KubeObject[];
  roleBindings(namespace: string): KubeObject[];
  role(namespace: string, name: string): KubeObject | undefined;
  clusterRole(name: string): KubeObject | undefined;
}

/** The decision, and the authorizer's reason text (a binding to a missing role), empty when there is none. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/** The group whose members bypass authorization, as the API server's privileged-group authorizer does. */
export const mastersGroup = 'system:masters';

/** An RbacSource over a fixed list of objects (any of the four kinds; others ignored). */
export function rbacSourceOf(objects: KubeObject[]): RbacSource {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  return {
    clusterRoleBindings: () => of('ClusterRoleBinding'),
    roleBindings: (namespace) => of('RoleBinding').filter((o) => o.metadata.namespace === namespace),
    role: (namespace, name) => of('Role').find((o) => o.metadata.namespace === namespace && o.metadata.name === name),
    clusterRole: (name) => of('ClusterRole').find((o) => o.metadata.name === name),
  };
}

/** Decides a request: allowed when the user is in system:masters or some rule of a role bound to them matches. */
export function authorize(attrs: RequestAttributes, source: RbacSource): Decision {
  if (attrs.user.groups.includes(mastersGroup)) return { allowed: true, reason: '' };
  const errors: string[] = [];
  const rulesOf = (ref: { kind?: string; name?: string }, bindingNamespace: string | undefined): PolicyRule[] => {
    if (ref.kind === 'ClusterRole') {
      const role = source.clusterRole(ref.name ?? '');
      if (!role) errors.push(`clusterrole.rbac.authorization.k8s.io "${ref.name ?? ''}" not found`);
      return (role?.rules as PolicyRule[] | undefined) ?? [];
    }
    if (ref.kind === 'Role' && bindingNamespace) {
      const role = source.role(bindingNamespace, ref.name ?? '');
      if (!role) errors.push(`role.rbac.authorization.k8s.io "${ref.name ?? ''}" not found`);
      return (role?.rules as PolicyRule[] | undefined) ?? [];
    }
    return [];
  };
  for (const binding of source.clusterRoleBindings()) {
    if (!bindingApplies(binding, attrs.user, undefined)) continue;
    if (rulesOf(binding.roleRef as { kind?: string; name?: string }, undefined).some((r) => ruleAllows(r, attrs))) return { allowed: true, reason: '' };
  }
  // Bindings in a namespace only ever grant requests in that namespace (never cluster-scoped or non-resource ones).
  if (attrs.namespace) {
    for (const binding of source.roleBindings(attrs.namespace)) {
      if (!bindingApplies(binding, attrs.user, attrs.namespace)) continue;
      const rules = rulesOf(binding.roleRef as { kind?: string; name?: string }, attrs.namespace);
      if (rules.some((r) => attrs.resourceRequest && ruleAllows(r, attrs))) return { allowed: true, reason: '' };
    }
  }
  return { allowed: false, reason: errors.length === 0 ? '' : `RBAC: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}` };
}

/** Whether one of the binding's subjects is the user (or one of their groups). */
export function bindingApplies(binding: KubeObject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  const subjects = (binding.subjects as Array<{ kind?: string; name?: string; namespace?: string }> | undefined) ?? [];
  return subjects.some((s) => {
    switch (s.kind) {
      case 'User':
        return s.name === user.name;
      case 'Group':
        return s.name !== undefined && user.groups.includes(s.name);
      case 'ServiceAccount': {
        const ns = s.namespace || bindingNamespace;
        return ns !== undefined && user.name === `system:serviceaccount:${ns}:${s.name ?? ''}`;
      }
      default:
        return false;
    }
  });
}

/** Whether one PolicyRule allows the request. */
export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!matchesAny(rule.verbs, attrs.verb)) return false;
  if (!attrs.resourceRequest) {
    const path = attrs.path ?? '';
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))));
  }
  if (!matchesAny(rule.apiGroups, attrs.apiGroup ?? '')) return false;
  const sub = attrs.subresource ?? '';
  const combined = sub ? `${attrs.resource ?? ''}/${sub}` : (attrs.resource ?? '');
  const resourceOk = (rule.resources ?? []).some((r) => r === '*' || r === combined || (sub !== '' && r === `*/${sub}`));
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (attrs.name !== undefined && attrs.name !== '' && names.includes(attrs.name));
}

function matchesAny(list: string[] | undefined, value: string): boolean {
  return (list ?? []).some((x) => x === '*' || x === value);
}

/**
 * The text after `is forbidden: ` in a real 403: `User "alice" cannot list resource "pods" in API group "" in the
 * namespace "shop"`, `... at the cluster scope`, or `User "alice" cannot get path "/version"`.
 */
export function forbiddenReason(attrs: RequestAttributes): string {
  const user = `User ${JSON.stringify(attrs.user.name)}`;
  if (!attrs.resourceRequest) return `${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path ?? '')}`;
  const resource = attrs.subresource ? `${attrs.resource ?? ''}/${attrs.subresource}` : (attrs.resource ?? '');
  const where = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
  return `${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup ?? '')} ${where}`;
}

/**
 * The 403 a real API server sends: `pods is forbidden: ...`, `secrets "x" is forbidden: ...`,
 * `deployments.apps "web" is forbidden: ...`, `forbidden: ...` for non-resource paths; details name the resource.
 */
export function forbidden(attrs: RequestAttributes, reason = ''): StatusError {
  const text = forbiddenReason(attrs) + (reason ? `: ${reason}` : '');
  if (!attrs.resourceRequest) return new StatusError(403, 'Forbidden', `forbidden: ${text}`, {});
  const resource = attrs.resource ?? '';
  const qualified = attrs.apiGroup ? `${resource}.${attrs.apiGroup}` : resource;
  const name = attrs.name ?? '';
  const subject = name ? `${qualified} ${JSON.stringify(name)}` : qualified;
  return new StatusError(403, 'Forbidden', `${subject} is forbidden: ${text}`, { ...(name ? { name } : {}), group: attrs.apiGroup ?? '', kind: resource });
}

const md = (name: string) => ({ name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } });

/**
 * The default ClusterRoles and ClusterRoleBindings of a real cluster that matter without aggregation: cluster-admin
 * (bound to system:masters), discovery and /version for every authenticated user (system:discovery,
 * system:public-info-viewer), and self-reviews (system:basic-user).
 */
export function bootstrapPolicy(): KubeObject[] {
  const role = (name: string, rules: PolicyRule[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: md(name), rules });
  const binding = (name: string, groups: string[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: md(name),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
  });
  return [
    role('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    role('system:discovery', [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }]),
    role('system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]),
    role('system:basic-user', [
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
    ]),
    binding('cluster-admin', [mastersGroup]),
    binding('system:discovery', ['system:authenticated']),
    binding('system:public-info-viewer', ['system:authenticated', 'system:unauthenticated']),
    binding('system:basic-user', ['system:authenticated']),
  ];
}
