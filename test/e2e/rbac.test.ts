/**
 * The README's least-privilege Roles, proven on kube-sim with RBAC enforced (`rbac: true`): the Roles are parsed
 * from the README's "## RBAC" YAML blocks, created in a namespace and bound to a user (client certificate) who
 * then runs `upgrade`, `history`, `status`, `rollback` and `watchdog` with the real helm 3 and helm 4. Then, with
 * helm 4, one rule at a time is removed (one user and namespace per rule, all in parallel on one simulator) and
 * the cheapest flow that needs the rule must fail with the documented exit code and a line naming the refused
 * verb, resource and namespace. Every README rule must be in `proofs`, so README and test cannot drift apart.
 */
import { join } from 'node:path';
import { ExitCode } from '../../src/errors/exit-codes.js';
import type { KubeObject } from '../../src/sim/store/types.js';
import { helmBinary, type HelmMajor } from '../../src/toolchain/binaries.js';
import { helm, helmEnv, run, type RunResult } from '../sim/helpers.js';
import { ensureNamespace, withRbacSim, type RbacSim } from './rbac-helpers.js';
import { readmeRoles, readmeRules, type ReadmeRole } from './rbac-readme.js';

const cli = join(process.cwd(), 'bin', 'run.js');
const chart = join(process.cwd(), 'examples', 'webapp');
const G = 'rbac.authorization.k8s.io';

type Flow = 'upgrade' | 'history' | 'status' | 'rollback' | 'watchdog';
/** How a rule is proven: the flow that fails without it, its exit code and the refused request. */
type Proof = { flow: Flow; exit: number; verb: string; resource: string } | { notProvenBecause: string };

/**
 * Every rule of the README's roles. Rules marked notProvenBecause are conditional (the README says when they are
 * needed) or overlap a rule of the other Role for this chart; the rest fail a flow when removed.
 */
const proofs: Record<string, Proof> = {
  'Role/helm-autorollback: secrets get,list,watch,update': { flow: 'status', exit: ExitCode.ClusterUnavailable, verb: 'watch', resource: 'secrets' },
  'Role/helm-autorollback: configmaps get,create,update': { notProvenBecause: 'helm-webapp-deployer grants the same verbs on configmaps (the chart has a ConfigMap)' },
  'Role/helm-autorollback: coordination.k8s.io/leases get,create,update,delete': { flow: 'watchdog', exit: ExitCode.ClusterUnavailable, verb: 'get', resource: 'leases' },
  'Role/helm-autorollback: apps/deployments,replicasets,statefulsets,daemonsets list,watch': { flow: 'status', exit: ExitCode.ClusterUnavailable, verb: 'list', resource: 'statefulsets' },
  'Role/helm-autorollback: batch/jobs list,watch': { notProvenBecause: 'helm-webapp-deployer grants list and watch on jobs (the chart has a hook Job)' },
  'Role/helm-autorollback: pods,events list,watch': { flow: 'status', exit: ExitCode.ClusterUnavailable, verb: 'list', resource: 'events' },
  'Role/helm-autorollback: persistentvolumeclaims list,watch': { notProvenBecause: 'only for charts with PersistentVolumeClaims (refused: the kind is reported, not judged)' },
  'Role/helm-autorollback: pods delete': { notProvenBecause: 'only for the forced StatefulSet rollback' },
  'Role/helm-webapp-deployer: secrets get,list,create,update,delete': { flow: 'upgrade', exit: ExitCode.Usage, verb: 'create', resource: 'secrets' },
  'Role/helm-webapp-deployer: configmaps,services get,list,watch,create,update,patch,delete': { flow: 'upgrade', exit: ExitCode.RollbackFailed, verb: 'get', resource: 'services' },
  'Role/helm-webapp-deployer: apps/deployments get,list,watch,create,update,patch,delete': { flow: 'upgrade', exit: ExitCode.RollbackFailed, verb: 'get', resource: 'deployments' },
  'Role/helm-webapp-deployer: batch/jobs get,list,watch,create,update,patch,delete': { flow: 'upgrade', exit: ExitCode.RolledBack, verb: 'delete', resource: 'jobs' },
  'Role/helm-webapp-deployer: apps/replicasets get,list,watch': { notProvenBecause: 'helm-autorollback grants list and watch on replicasets' },
  'Role/helm-webapp-deployer: pods get,list,watch': { notProvenBecause: 'helm-autorollback grants list and watch on pods' },
  'ClusterRole/helm-webapp-deployer: namespaces get,create,patch': { notProvenBecause: 'only for --create-namespace' },
  'ClusterRole/helm-webapp-deployer: apiextensions.k8s.io/customresourcedefinitions list': { notProvenBecause: 'requested by helm, but a refusal does not fail it' },
};

let sim: RbacSim;
const roles = readmeRoles();
const rules = readmeRules(roles);

/** Creates the roles (Roles in `ns`, ClusterRoles suffixed by the user) bound to a new certificate user; returns its kubeconfig. */
async function bindUser(user: string, ns: string, bound: ReadmeRole[]): Promise<string> {
  await sim.rbac.addUser({ name: user, auth: 'cert' });
  ensureNamespace(sim, ns);
  const subjects = [{ kind: 'User', apiGroup: G, name: user }];
  for (const r of bound) {
    if (r.kind === 'Role') {
      sim.store.create(`roles.${G}`, { apiVersion: `${G}/v1`, kind: 'Role', metadata: { name: r.name, namespace: ns }, rules: r.rules } as KubeObject);
      sim.store.create(`rolebindings.${G}`, { apiVersion: `${G}/v1`, kind: 'RoleBinding', metadata: { name: r.name, namespace: ns }, roleRef: { apiGroup: G, kind: 'Role', name: r.name }, subjects } as KubeObject);
    } else {
      const name = `${r.name}-${user}`;
      sim.store.create(`clusterroles.${G}`, { apiVersion: `${G}/v1`, kind: 'ClusterRole', metadata: { name }, rules: r.rules } as KubeObject);
      sim.store.create(`clusterrolebindings.${G}`, { apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: G, kind: 'ClusterRole', name }, subjects } as KubeObject);
    }
  }
  return sim.rbac.writeKubeconfig(join(sim.dir, `kubeconfig-${user}`), user);
}

/** Installs the chart as the admin (revision 1, rolled out). */
async function adminInstall(major: HelmMajor, ns: string): Promise<void> {
  const r = await helm(sim, major, ['install', 'web', chart, '-n', ns, '--wait', '--timeout', '60s']);
  if (r.code !== 0) throw new Error(`helm install as admin: ${r.stderr}`);
}

function flowArgs(flow: Flow, ns: string): string[] {
  switch (flow) {
    case 'upgrade':
      return ['upgrade', 'web', chart, '-n', ns, '--set', 'replicaCount=1'];
    case 'rollback':
      return ['rollback', 'web', '1', '-n', ns, '--yes'];
    case 'watchdog':
      return ['watchdog', 'web', '-n', ns, '--for', '3s'];
    default:
      return [flow, 'web', '-n', ns];
  }
}

function asUser(kubeconfig: string, major: HelmMajor, args: string[]): Promise<RunResult> {
  const env = helmEnv({ kubeconfigPath: kubeconfig, dir: sim.dir }, major, { HELM_BIN: helmBinary(major), CI: '1', NO_COLOR: '1' });
  return run(process.execPath, [cli, ...args], env, 150_000);
}

/** A few runs at a time: the machine has two cores. */
function pool(limit: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

type Outcome = Array<{ flow: Flow; result: RunResult }>;
const positive = new Map<HelmMajor, Promise<Outcome>>();
const negative = new Map<string, Promise<RunResult & { ns: string }>>();

beforeAll(async () => {
  sim = await withRbacSim({ timeScale: 5 });
  const limit = pool(4);
  for (const major of [3, 4] as const) {
    positive.set(
      major,
      limit(async () => {
        const ns = `rbac-ok-h${major}`;
        const kubeconfig = await bindUser(`deployer-h${major}`, ns, roles);
        await adminInstall(major, ns);
        const out: Outcome = [];
        for (const flow of ['upgrade', 'history', 'status', 'rollback', 'watchdog'] as const) out.push({ flow, result: await asUser(kubeconfig, major, flowArgs(flow, ns)) });
        return out;
      }),
    );
  }
  rules.forEach((rule, i) => {
    const proof = proofs[rule.key];
    if (!proof || 'notProvenBecause' in proof) return;
    negative.set(
      rule.key,
      limit(async () => {
        const ns = `rbac-minus-${i + 1}`;
        const pruned = roles.map((r) => (`${r.kind}/${r.name}` === rule.role ? { ...r, rules: r.rules.filter((_, j) => j !== rule.index) } : r));
        const kubeconfig = await bindUser(`minus-${i + 1}`, ns, pruned);
        await adminInstall(4, ns);
        return { ns, ...(await asUser(kubeconfig, 4, flowArgs(proof.flow, ns))) };
      }),
    );
  });
  // Surface setup failures in the tests that await them, not as unhandled rejections.
  for (const p of [...positive.values(), ...negative.values()]) p.catch(() => undefined);
}, 600_000);

afterAll(async () => {
  await sim?.stop();
});

it('the README lists a plugin Role and helm Role/ClusterRole, and every rule is in the proofs table', () => {
  expect(roles.map((r) => `${r.kind}/${r.name}`)).toEqual(['Role/helm-autorollback', 'Role/helm-webapp-deployer', 'ClusterRole/helm-webapp-deployer']);
  expect(rules.map((r) => r.key).sort()).toEqual(Object.keys(proofs).sort());
});

describe.each([3, 4] as const)('with exactly the README rules, helm %i', (major) => {
  it.each(['upgrade', 'history', 'status', 'rollback', 'watchdog'] as const)('%s succeeds', async (flow) => {
    const outcome = await positive.get(major)!;
    const { result } = outcome.find((o) => o.flow === flow)!;
    if (result.code !== 0) throw new Error(`${flow} exited ${result.code}:\n${result.stderr}`);
    expect(result.stderr).not.toMatch(/forbidden/i);
  });
});

describe('removing one rule makes a flow fail (helm 4)', () => {
  const proven = rules.filter((r) => !('notProvenBecause' in (proofs[r.key] ?? { notProvenBecause: '' })));
  it.each(proven.map((r) => [r.key, r] as const))('%s', async (key) => {
    const proof = proofs[key] as Exclude<Proof, { notProvenBecause: string }>;
    const r = await negative.get(key)!;
    const names = new RegExp(
      `(not allowed to ${proof.verb} ${proof.resource}\\S* in namespace "${r.ns}"|cannot ${proof.verb} resource \\\\?"${proof.resource}\\\\?" in API group \\\\?"[^"\\\\]*\\\\?" in the namespace \\\\?"${r.ns}\\\\?")`,
    );
    expect({ flow: proof.flow, exit: r.code, refused: r.stderr.split('\n').some((l) => names.test(l)) }).toEqual({ flow: proof.flow, exit: proof.exit, refused: true });
  });
});
