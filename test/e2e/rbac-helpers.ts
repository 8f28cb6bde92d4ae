/**
 * Helpers for tests against kube-sim with RBAC enforced (`--rbac`): start a simulator with authentication and
 * the RBAC authorizer on, create a restricted user bound to the rules you give, and get a kubeconfig that is
 * that user only. The simulator's own kubeconfig (`sim.kubeconfigPath`) stays the admin's (system:masters).
 *
 *   const sim = await withRbacSim({ timeScale: 5 });
 *   const kubeconfig = await restrictedKubeconfig(sim, 'reader', { namespace: 'shop', rules: [
 *     { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] } ] });
 *   await helm({ kubeconfigPath: kubeconfig, dir: sim.dir }, 4, ['status', 'x', '-n', 'shop']);  // 403s as "reader"
 */
import { join } from 'node:path';
import type { SimUserSpec, StartSimOptions } from '../../src/sim/index.js';
import type { KubeObject } from '../../src/sim/store/types.js';
import type { PolicyRule } from '../../src/sim/auth/rbac.js';
import { type TestSim, withSim } from '../sim/helpers.js';

export type { PolicyRule } from '../../src/sim/auth/rbac.js';

/** A test simulator started with `rbac` on. */
export type RbacSim = TestSim & { rbac: NonNullable<TestSim['rbac']> };

/** Starts kube-sim with authentication and RBAC on (default users only); `await sim.stop()` when done. */
export async function withRbacSim(options: StartSimOptions = {}): Promise<RbacSim> {
  const sim = await withSim({ ...options, rbac: options.rbac ?? { users: [] } });
  if (!sim.rbac) throw new Error('kube-sim started without rbac');
  return sim as RbacSim;
}

/** What to grant a restricted user. */
export interface Grant {
  /** Namespace of the Role and RoleBinding (created if missing). */
  namespace?: string;
  /** Rules of a Role `<user>` in `namespace`, bound to the user by a RoleBinding `<user>`. */
  rules?: PolicyRule[];
  /** Rules of a ClusterRole `<user>`, bound to the user by a ClusterRoleBinding `<user>`. */
  clusterRules?: PolicyRule[];
  /** `cert` (default): a client certificate, CN = user; `token`: a bearer token. */
  auth?: SimUserSpec['auth'];
  groups?: string[];
}

const rbacGroup = 'rbac.authorization.k8s.io';
const key = (plural: string) => `${plural}.${rbacGroup}`;

/**
 * Creates user `name` (client certificate by default) with the given Role / ClusterRole rules bound to it, writes
 * a kubeconfig holding only that user (`<sim.dir>/kubeconfig-<name>`) and returns its path. Objects are created
 * in the store directly (as the admin would).
 */
export async function restrictedKubeconfig(sim: RbacSim, name: string, grant: Grant = {}): Promise<string> {
  if (!sim.rbac.users().some((u) => u.name === name)) await sim.rbac.addUser({ name, auth: grant.auth ?? 'cert', ...(grant.groups ? { groups: grant.groups } : {}) });
  const subject = { kind: 'User', apiGroup: rbacGroup, name };
  if (grant.rules) {
    const namespace = grant.namespace ?? 'default';
    ensureNamespace(sim, namespace);
    sim.store.create(key('roles'), { apiVersion: `${rbacGroup}/v1`, kind: 'Role', metadata: { name, namespace }, rules: grant.rules } as KubeObject);
    sim.store.create(key('rolebindings'), {
      apiVersion: `${rbacGroup}/v1`,
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: rbacGroup, kind: 'Role', name },
      subjects: [subject],
    } as KubeObject);
  }
  if (grant.clusterRules) {
    sim.store.create(key('clusterroles'), { apiVersion: `${rbacGroup}/v1`, kind: 'ClusterRole', metadata: { name }, rules: grant.clusterRules } as KubeObject);
    sim.store.create(key('clusterrolebindings'), {
      apiVersion: `${rbacGroup}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name },
      subjects: [subject],
    } as KubeObject);
  }
  return sim.rbac.writeKubeconfig(join(sim.dir, `kubeconfig-${name.replace(/[^A-Za-z0-9._-]/g, '-')}`), name);
}

/** Creates a namespace in the store unless it exists. */
export function ensureNamespace(sim: TestSim, namespace: string): void {
  if (!sim.store.get('namespaces', undefined, namespace)) sim.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
}
