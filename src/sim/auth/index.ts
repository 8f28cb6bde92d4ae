/**
 * kube-sim `--rbac`: a CA and serving certificate for HTTPS, the users (client-certificate and token users) and
 * the kubeconfigs that carry their credentials, and the store-backed RBAC source.
 */
import type { MemoryStore } from '../store/memory-store.js';
import { simContextFor, simContextName, simKubeconfigWithUsers } from '../kubeconfig.js';
import { Authenticator, groupsFor } from './authenticator.js';
import { createCa, type KeyPair, subjectSafe } from './pki.js';
import { bootstrapPolicy, mastersGroup, type RbacSource } from './rbac.js';

export { Authenticator, type UserInfo } from './authenticator.js';
export { authorize, forbidden, type RbacSource, type RequestAttributes } from './rbac.js';

/** A user to create: client certificate (default) or bearer token. */
export interface SimUserSpec {
  name: string;
  groups?: string[];
  auth?: 'cert' | 'token';
}

/** `rbac:` in the sim config (or `startSim({rbac})`): the users besides the admin. */
export interface SimRbacConfig {
  users?: SimUserSpec[];
}

/** A user the simulator knows, with its credentials. */
export interface SimUser {
  name: string;
  /** Groups as authenticated (system:authenticated included). */
  groups: string[];
  auth: 'cert' | 'token';
  token?: string;
  cert?: KeyPair;
}

/** The admin: client certificate, group system:masters (bypasses RBAC); the context `autorollback-sim`. */
export const adminUser = 'kubernetes-admin';

/** The users `--rbac` creates unless the config names others: alice (certificate), bob (token), a ServiceAccount. */
export const defaultRbacUsers: SimUserSpec[] = [
  { name: 'alice', auth: 'cert' },
  { name: 'bob', auth: 'token' },
  { name: 'system:serviceaccount:default:deployer', auth: 'token' },
];

/** The context name of a user: `autorollback-sim` for the admin, else `autorollback-sim-<name>`. */
export function contextOf(user: string): string {
  return user === adminUser ? simContextName : simContextFor(user);
}

/** The simulator's authentication state. */
export interface SimAuth {
  authenticator: Authenticator;
  /** The serving key pair and the CA, for the HTTPS server. */
  tls: { key: string; cert: string; ca: string };
  caPem: string;
  addUser(spec: SimUserSpec): Promise<SimUser>;
  user(name: string): SimUser | undefined;
  users(): SimUser[];
  /** A kubeconfig for `server` holding the given users (default: all), current context = `current`'s. */
  kubeconfig(server: string, current: string, names?: string[]): string;
}

/** Validates the `rbac:` config value (true, false, or {users: [...]}); returns the user specs or undefined when off. */
export function rbacUsersFrom(value: unknown, source = 'sim config'): SimUserSpec[] | undefined {
  if (value === undefined || value === false || value === null) return undefined;
  if (value === true) return defaultRbacUsers;
  const fail = (what: string): never => {
    throw new Error(`${source}: rbac${what}`);
  };
  if (typeof value !== 'object' || Array.isArray(value)) fail(': expected true, false or {users: [{name, groups, auth}]}');
  const raw = value as Record<string, unknown>;
  for (const k of Object.keys(raw)) if (k !== 'users') fail(`.${k}: unknown field (known: users)`);
  if (raw.users === undefined) return defaultRbacUsers;
  if (!Array.isArray(raw.users)) fail('.users: expected a list of {name, groups, auth}');
  return (raw.users as unknown[]).map((u, i) => {
    const at = `.users[${i}]`;
    if (!u || typeof u !== 'object' || Array.isArray(u)) return fail(`${at}: expected {name, groups, auth}`);
    const r = u as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!['name', 'groups', 'auth'].includes(k)) fail(`${at}.${k}: unknown field (known: name, groups, auth)`);
    if (typeof r.name !== 'string' || !subjectSafe(r.name)) fail(`${at}.name: expected a user name without / = , + or \\`);
    if (r.groups !== undefined && (!Array.isArray(r.groups) || r.groups.some((g) => typeof g !== 'string' || !subjectSafe(g)))) fail(`${at}.groups: expected a list of group names`);
    if (r.auth !== undefined && r.auth !== 'cert' && r.auth !== 'token') fail(`${at}.auth: expected cert or token`);
    return { name: r.name as string, ...(r.groups ? { groups: r.groups as string[] } : {}), ...(r.auth ? { auth: r.auth as 'cert' | 'token' } : {}) };
  });
}

/** Creates the CA, the serving certificate for `host`, the admin and the given users. */
export async function createSimAuth(host: string, specs: SimUserSpec[]): Promise<SimAuth> {
  const ca = await createCa();
  const ips = [...new Set(['127.0.0.1', '::1', ...(/^[\d.]+$|:/.test(host) ? [host] : [])])];
  const dns = [...new Set(['localhost', ...(/^[\d.]+$|:/.test(host) ? [] : [host])])];
  const serving = await ca.serving(ips, dns);
  const authenticator = new Authenticator();
  const users = new Map<string, SimUser>();
  const addUser = async (spec: SimUserSpec): Promise<SimUser> => {
    if (!subjectSafe(spec.name)) throw new Error(`kube-sim: bad user name "${spec.name}"`);
    if (users.has(spec.name)) throw new Error(`kube-sim: user "${spec.name}" exists already`);
    const auth = spec.auth ?? 'cert';
    const user: SimUser = { name: spec.name, groups: groupsFor(spec.name, spec.groups), auth };
    if (auth === 'token') user.token = authenticator.issueToken(spec.name, spec.groups);
    else user.cert = await ca.client(spec.name, spec.groups ?? []);
    users.set(spec.name, user);
    return user;
  };
  await addUser({ name: adminUser, groups: [mastersGroup], auth: 'cert' });
  for (const spec of specs) await addUser(spec);
  return {
    authenticator,
    tls: { key: serving.key, cert: serving.cert, ca: ca.cert },
    caPem: ca.cert,
    addUser,
    user: (name) => users.get(name),
    users: () => [...users.values()],
    kubeconfig(server, current, names) {
      const chosen = names ? names.map((n) => users.get(n)).filter((u): u is SimUser => u !== undefined) : [...users.values()];
      return simKubeconfigWithUsers(server, ca.cert, chosen, current, contextOf);
    },
  };
}

/** The RBAC objects of the store, read at each request. */
export function storeRbacSource(store: MemoryStore): RbacSource {
  const rbac = (plural: string) => `${plural}.rbac.authorization.k8s.io`;
  return {
    clusterRoleBindings: () => store.list(rbac('clusterrolebindings')).items,
    roleBindings: (namespace) => store.list(rbac('rolebindings'), { namespace }).items,
    role: (namespace, name) => store.get(rbac('roles'), namespace, name),
    clusterRole: (name) => store.get(rbac('clusterroles'), undefined, name),
  };
}

/** Creates the bootstrap ClusterRoles and ClusterRoleBindings that are not in the store yet. */
export function ensureBootstrapPolicy(store: MemoryStore): void {
  for (const o of bootstrapPolicy()) {
    const key = o.kind === 'ClusterRole' ? 'clusterroles.rbac.authorization.k8s.io' : 'clusterrolebindings.rbac.authorization.k8s.io';
    if (!store.get(key, undefined, o.metadata.name)) store.create(key, o);
  }
}
