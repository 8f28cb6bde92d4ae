import { authorize, bootstrapPolicy, forbidden, type PolicyRule, rbacSourceOf, type RequestAttributes } from '../../../src/sim/auth/rbac.js';
import { groupsFor } from '../../../src/sim/auth/authenticator.js';
import type { KubeObject } from '../../../src/sim/store/types.js';

const alice = { name: 'alice', groups: groupsFor('alice') };
const sa = { name: 'system:serviceaccount:shop:deployer', groups: groupsFor('system:serviceaccount:shop:deployer') };
const admin = { name: 'root', groups: groupsFor('root', ['system:masters']) };

const role = (namespace: string, name: string, rules: PolicyRule[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules });
const clusterRole = (name: string, rules: PolicyRule[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });
const binding = (namespace: string | undefined, roleKind: 'Role' | 'ClusterRole', roleName: string, subjects: Array<Record<string, string>>): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
  metadata: { name: `b-${roleName}`, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
  subjects,
});
const user = (name: string) => ({ kind: 'User', name });

const req = (verb: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({
  user: alice,
  verb,
  resourceRequest: true,
  apiGroup: '',
  resource,
  namespace: 'shop',
  ...extra,
});

describe('RBAC authorizer', () => {
  const cases: Array<[string, KubeObject[], RequestAttributes, boolean]> = [
    ['no bindings: denied', [], req('list', 'pods'), false],
    ['Role + RoleBinding in the namespace: allowed', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('list', 'pods'), true],
    ['another verb: denied', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('watch', 'pods'), false],
    ['another namespace: denied', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('list', 'pods', { namespace: 'prod' }), false],
    ['cluster scope with a RoleBinding: denied', [role('shop', 'r', [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('list', 'nodes', { namespace: undefined }), false],
    ['another user: denied', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [user('bob')])], req('list', 'pods'), false],
    ['wrong API group: denied', [role('shop', 'r', [{ apiGroups: [''], resources: ['deployments'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('list', 'deployments', { apiGroup: 'apps' }), false],
    ['apiGroups *: allowed', [role('shop', 'r', [{ apiGroups: ['*'], resources: ['deployments'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('list', 'deployments', { apiGroup: 'apps' }), true],
    ['verbs *: allowed', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('deletecollection', 'pods'), true],
    ['resources * covers subresources', [role('shop', 'r', [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('get', 'pods', { subresource: 'log', name: 'p' }), true],
    ['pods does not cover pods/log', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('get', 'pods', { subresource: 'log', name: 'p' }), false],
    ['pods/log covers pods/log', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('get', 'pods', { subresource: 'log', name: 'p' }), true],
    ['pods/log does not cover pods', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('get', 'pods', { name: 'p' }), false],
    ['*/status covers deployments/status', [role('shop', 'r', [{ apiGroups: ['apps'], resources: ['*/status'], verbs: ['get'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('get', 'deployments', { apiGroup: 'apps', subresource: 'status', name: 'd' }), true],
    ['resourceNames: the named object', [role('shop', 'r', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['ledger'], verbs: ['get'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('get', 'configmaps', { name: 'ledger' }), true],
    ['resourceNames: another object', [role('shop', 'r', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['ledger'], verbs: ['get'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('get', 'configmaps', { name: 'other' }), false],
    ['resourceNames: a create has no name', [role('shop', 'r', [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['ledger'], verbs: ['create'] }]), binding('shop', 'Role', 'r', [user('alice')])], req('create', 'configmaps'), false],
    ['ClusterRole through a RoleBinding: that namespace', [clusterRole('c', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'ClusterRole', 'c', [user('alice')])], req('list', 'pods'), true],
    ['ClusterRole through a RoleBinding: not others', [clusterRole('c', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'ClusterRole', 'c', [user('alice')])], req('list', 'pods', { namespace: 'prod' }), false],
    ['ClusterRoleBinding: every namespace', [clusterRole('c', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding(undefined, 'ClusterRole', 'c', [user('alice')])], req('list', 'pods', { namespace: 'prod' }), true],
    ['ClusterRoleBinding: cluster scope', [clusterRole('c', [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }]), binding(undefined, 'ClusterRole', 'c', [user('alice')])], req('list', 'nodes', { namespace: undefined }), true],
    ['Group subject', [clusterRole('c', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'ClusterRole', 'c', [{ kind: 'Group', name: 'system:authenticated' }])], req('list', 'pods'), true],
    ['ServiceAccount subject', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'shop' }])], req('list', 'pods', { user: sa }), true],
    ['ServiceAccount subject without namespace: the binding\'s', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [{ kind: 'ServiceAccount', name: 'deployer' }])], req('list', 'pods', { user: sa }), true],
    ['ServiceAccount of another namespace', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'prod' }])], req('list', 'pods', { user: sa }), false],
    ['serviceaccounts group', [role('shop', 'r', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]), binding('shop', 'Role', 'r', [{ kind: 'Group', name: 'system:serviceaccounts:shop' }])], req('list', 'pods', { user: sa }), true],
    ['system:masters bypasses RBAC', [], req('delete', 'nodes', { user: admin, namespace: undefined }), true],
    ['discovery for every authenticated user', bootstrapPolicy(), { user: alice, verb: 'get', resourceRequest: false, path: '/apis/apps/v1' }, true],
    ['/version for every authenticated user', bootstrapPolicy(), { user: alice, verb: 'get', resourceRequest: false, path: '/version' }, true],
    ['other non-resource paths: denied', bootstrapPolicy(), { user: alice, verb: 'get', resourceRequest: false, path: '/metrics' }, false],
    ['non-resource URLs need get', bootstrapPolicy(), { user: alice, verb: 'post', resourceRequest: false, path: '/api' }, false],
    ['the bootstrap policy grants no resources', bootstrapPolicy(), req('list', 'pods'), false],
    ['selfsubjectaccessreviews create for everyone', bootstrapPolicy(), req('create', 'selfsubjectaccessreviews', { apiGroup: 'authorization.k8s.io', namespace: undefined }), true],
    ['nonResourceURLs in a namespaced binding grant nothing', [clusterRole('c', [{ nonResourceURLs: ['*'], verbs: ['*'] }]), binding('shop', 'ClusterRole', 'c', [user('alice')])], { user: alice, verb: 'get', resourceRequest: false, path: '/metrics' }, false],
  ];
  it.each(cases)('%s', (_name, objects, attrs, allowed) => {
    expect(authorize(attrs, rbacSourceOf(objects)).allowed).toBe(allowed);
  });

  it('names a binding to a missing role in the reason, as the API server does', () => {
    const d = authorize(req('list', 'pods'), rbacSourceOf([binding('shop', 'Role', 'gone', [user('alice')])]));
    expect(d).toEqual({ allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found' });
  });
});

describe('403 wording', () => {
  it.each<[string, RequestAttributes, string]>([
    ['list in a namespace', req('list', 'pods'), 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "shop"'],
    ['get a named secret', req('get', 'secrets', { name: 'sh.helm.release.v1.x.v2' }), 'secrets "sh.helm.release.v1.x.v2" is forbidden: User "alice" cannot get resource "secrets" in API group "" in the namespace "shop"'],
    ['a subresource', req('get', 'pods', { name: 'web-1', subresource: 'log' }), 'pods "web-1" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "shop"'],
    ['cluster scope', req('list', 'nodes', { namespace: undefined }), 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope'],
    ['a named group', req('patch', 'deployments', { apiGroup: 'apps', name: 'web' }), 'deployments.apps "web" is forbidden: User "alice" cannot patch resource "deployments" in API group "apps" in the namespace "shop"'],
    ['a path', { user: alice, verb: 'get', resourceRequest: false, path: '/metrics' }, 'forbidden: User "alice" cannot get path "/metrics"'],
  ])('%s', (_name, attrs, message) => {
    const err = forbidden(attrs);
    expect(err.code).toBe(403);
    expect(err.toStatus()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message });
  });

  it('names the group and resource (not the subresource) in the details', () => {
    expect(forbidden(req('get', 'deployments', { apiGroup: 'apps', name: 'web', subresource: 'status' })).details).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
  });
});
