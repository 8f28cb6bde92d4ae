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
import { readmeProofRows, readmeRoles, readmeRules, type ReadmeRole } from './rbac-readme.js';

const cli = join(process.cwd(), 'bin', 'run.js');
const chart = join(process.cwd(), 'examples', 'webapp');
const G = 'rbac.authorization.k8s.io';

type Flow = 'upgrade' | 'history' | 'status' | 'rollback' | 'watchdog' | 'create-namespace' | 'helm-upgrade';
/** Which README roles a run binds: the plugin's Role alone, helm's Role and ClusterRole alone, or all of them. */
type Bind = 'plugin' | 'helm' | 'all';
/** How a rule is proven: the flow that fails without it, its exit code and the refused verb and resource(s). */
type Proof = { bind: Bind; flow: Flow; major: HelmMajor; exit: number; verb: string; resources: string[] } | { notProvenBecause: string };

const plugin = (flow: Flow, verb: string, resources: string[]): Proof => ({ bind: 'plugin', flow, major: 4, exit: ExitCode.ClusterUnavailable, verb, resources });
/**
 * Every rule of the README's roles. The plugin's rules are proven with its Role alone (history, status and the
 * watchdog's bake need nothing else; `positive` shows it); helm's with all roles bound, through the plugin's
 * `upgrade`, except the ReplicaSet rule, which the plugin's Role grants too: plain helm 3 with helm's roles alone.
 */
const proofs: Record<string, Proof> = {
  'Role/helm-autorollback: secrets get,list,watch,update': plugin('status', 'list', ['secrets']),
  'Role/helm-autorollback: configmaps get,create,update': plugin('status', 'get', ['configmaps']),
  'Role/helm-autorollback: coordination.k8s.io/leases get,create,update,delete': plugin('watchdog', 'get', ['leases']),
  'Role/helm-autorollback: apps/deployments,replicasets,statefulsets,daemonsets list,watch': plugin('status', 'list', ['deployments', 'replicasets', 'statefulsets', 'daemonsets']),
  'Role/helm-autorollback: batch/jobs list,watch': plugin('status', 'list', ['jobs']),
  'Role/helm-autorollback: pods,events list,watch': plugin('status', 'list', ['pods', 'events']),
  'Role/helm-autorollback: persistentvolumeclaims list,watch': { notProvenBecause: 'only for charts with PersistentVolumeClaims (refused: the kind is reported, not judged)' },
  'Role/helm-autorollback: pods delete': { notProvenBecause: 'only for the forced StatefulSet rollback' },
  'Role/helm-webapp-deployer: secrets get,list,create,update,delete': { bind: 'all', flow: 'upgrade', major: 4, exit: ExitCode.Usage, verb: 'create', resources: ['secrets'] },
  'Role/helm-webapp-deployer: configmaps,services get,list,watch,create,update,patch,delete': { bind: 'all', flow: 'upgrade', major: 4, exit: ExitCode.RollbackFailed, verb: 'get', resources: ['configmaps', 'services'] },
  'Role/helm-webapp-deployer: apps/deployments get,list,watch,create,update,patch,delete': { bind: 'all', flow: 'upgrade', major: 4, exit: ExitCode.RollbackFailed, verb: 'get', resources: ['deployments'] },
  'Role/helm-webapp-deployer: batch/jobs get,list,watch,create,update,patch,delete': { bind: 'all', flow: 'upgrade', major: 4, exit: ExitCode.RolledBack, verb: 'delete', resources: ['jobs'] },
  'Role/helm-webapp-deployer: apps/replicasets get,list,watch': { bind: 'helm', flow: 'helm-upgrade', major: 3, exit: 1, verb: 'list', resources: ['replicasets'] },
  'ClusterRole/helm-webapp-deployer: namespaces get,create,patch': { bind: 'all', flow: 'create-namespace', major: 4, exit: ExitCode.Usage, verb: 'patch', resources: ['namespaces'] },
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

/** Installs the chart as the admin (revision 1; rolled out with `wait`). */
async function adminInstall(major: HelmMajor, ns: string, wait: boolean): Promise<void> {
  const r = await helm(sim, major, ['install', 'web', chart, '-n', ns, ...(wait ? ['--wait', '--timeout', '60s'] : [])]);
  if (r.code !== 0) throw new Error(`helm install as admin: ${r.stderr}`);
}

function flowArgs(flow: Flow, ns: string): string[] {
  switch (flow) {
    case 'create-namespace':
      return ['upgrade', 'web2', chart, '-n', ns, '--install', '--create-namespace'];
    case 'helm-upgrade':
      return ['upgrade', 'web', chart, '-n', ns, '--set', 'replicaCount=1', '--wait', '--timeout', '60s'];
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

/** Runs a flow as the user: the plugin's CLI, or plain helm for `helm-upgrade`. */
/** Runs `status` as the admin until it exits 0 (the release rolled out and stable), at most 60 times. */
async function untilHealthy(major: HelmMajor, ns: string): Promise<void> {
  let last: RunResult | undefined;
  for (let i = 0; i < 60; i++) {
    last = await asUser(sim.kubeconfigPath, major, 'status', ns);
    if (last.code === 0) return;
  }
  throw new Error(`release web in ${ns} never became healthy for the admin's status: exit ${last?.code}\n${last?.stdout}`);
}

function asUser(kubeconfig: string, major: HelmMajor, flow: Flow, ns: string): Promise<RunResult> {
  const env = helmEnv({ kubeconfigPath: kubeconfig, dir: sim.dir }, major, { HELM_BIN: helmBinary(major), CI: '1', NO_COLOR: '1' });
  if (flow === 'helm-upgrade') return run(helmBinary(major), flowArgs(flow, ns), env, 150_000);
  return run(process.execPath, [cli, ...flowArgs(flow, ns)], env, 150_000);
}

const bound = (bind: Bind) => roles.filter((r) => bind === 'all' || (r.name === 'helm-autorollback') === (bind === 'plugin'));

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
const allFlows: Flow[] = ['upgrade', 'history', 'status', 'rollback', 'watchdog', 'create-namespace'];
const pluginFlows: Flow[] = ['history', 'status', 'watchdog'];
const positive = new Map<string, Promise<Outcome>>();
const negative = new Map<string, Promise<RunResult & { ns: string }>>();

beforeAll(async () => {
  sim = await withRbacSim({ timeScale: 5 });
  const limit = pool(4);
  for (const major of [3, 4] as const) {
    positive.set(
      `all-h${major}`,
      limit(async () => {
        const ns = `rbac-ok-h${major}`;
        const kubeconfig = await bindUser(`deployer-h${major}`, ns, roles);
        await adminInstall(major, ns, true);
        const out: Outcome = [];
        for (const flow of allFlows) out.push({ flow, result: await asUser(kubeconfig, major, flow, ns) });
        return out;
      }),
    );
  }
  positive.set(
    'plugin-h4',
    limit(async () => {
      const ns = 'rbac-ok-plugin';
      const kubeconfig = await bindUser('reader', ns, bound('plugin'));
      await adminInstall(4, ns, true);
      // `status` says "progressing" (exit 9) until the pods have been ready for the stable window: wait, as the
      // admin, until it says healthy, so the reader's exit code depends on its rules only.
      await untilHealthy(4, ns);
      const out: Outcome = [];
      for (const flow of pluginFlows) out.push({ flow, result: await asUser(kubeconfig, 4, flow, ns) });
      return out;
    }),
  );
  rules.forEach((rule, i) => {
    const proof = proofs[rule.key];
    if (!proof || 'notProvenBecause' in proof) return;
    negative.set(
      rule.key,
      limit(async () => {
        const ns = `rbac-minus-${i + 1}`;
        const pruned = bound(proof.bind).map((r) => (`${r.kind}/${r.name}` === rule.role ? { ...r, rules: r.rules.filter((_, j) => j !== rule.index) } : r));
        const kubeconfig = await bindUser(`minus-${i + 1}`, ns, pruned);
        await adminInstall(proof.major, ns, false);
        return { ns, ...(await asUser(kubeconfig, proof.major, proof.flow, ns)) };
      }),
    );
  });
  // Surface setup failures in the tests that await them, not as unhandled rejections.
  for (const p of [...positive.values(), ...negative.values()]) p.catch(() => undefined);
}, 600_000);

afterAll(async () => {
  await sim?.stop();
});

/** The README's row for a rule: how it is proven (or why it is not removed). */
function proofRow(key: string, proof: Proof): string {
  if ('notProvenBecause' in proof) return `| \`${key}\` | not removed: ${proof.notProvenBecause} | | |`;
  const flow = proof.flow === 'helm-upgrade' ? '`helm upgrade --wait`' : proof.flow === 'create-namespace' ? '`upgrade --install --create-namespace`' : `\`${proof.flow}\``;
  const bind = proof.bind === 'plugin' ? "plugin's Role only" : proof.bind === 'helm' ? "helm's roles only" : 'all roles';
  return `| \`${key}\` | ${flow} (helm ${proof.major}, ${bind}) | ${proof.exit} | ${proof.verb} ${proof.resources.join('/')} |`;
}

it('the README lists a plugin Role and helm Role/ClusterRole, every rule is in the proofs table, and its table says how each is proven', () => {
  expect(roles.map((r) => `${r.kind}/${r.name}`)).toEqual(['Role/helm-autorollback', 'Role/helm-webapp-deployer', 'ClusterRole/helm-webapp-deployer']);
  expect(rules.map((r) => r.key).sort()).toEqual(Object.keys(proofs).sort());
  expect(readmeProofRows()).toEqual(rules.map((r) => proofRow(r.key, proofs[r.key])));
});

async function expectSucceeded(run: string, flow: Flow): Promise<void> {
  const { result } = (await positive.get(run)!).find((o) => o.flow === flow)!;
  if (result.code !== 0) throw new Error(`${flow} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
  expect(result.stderr).not.toMatch(/forbidden/i);
}

describe.each([3, 4] as const)('with exactly the README rules, helm %i', (major) => {
  it.each(allFlows)('%s succeeds', (flow) => expectSucceeded(`all-h${major}`, flow));
});

describe("with the plugin's Role alone (helm 4)", () => {
  it.each(pluginFlows)('%s succeeds', (flow) => expectSucceeded('plugin-h4', flow));
});

describe('removing one rule makes a flow fail', () => {
  const proven = rules.filter((r) => !('notProvenBecause' in (proofs[r.key] ?? { notProvenBecause: '' })));
  it.each(proven.map((r) => [r.key, r] as const))('%s', async (key) => {
    const proof = proofs[key] as Exclude<Proof, { notProvenBecause: string }>;
    const r = await negative.get(key)!;
    const resource = `(${proof.resources.join('|')})`;
    // The plugin's own line, or the API server's words as the plugin or helm print them.
    const where = proof.resources.includes('namespaces') ? '' : ` in the namespace "${r.ns}"`;
    const names = new RegExp(`not allowed to ${proof.verb} ${resource}\\S* in namespace "${r.ns}"|cannot ${proof.verb} resource "${resource}" in API group "[^"]*"${where}`);
    const lines = r.stderr.replace(/\\"/g, '"').split('\n');
    expect({ flow: proof.flow, exit: r.code, refused: lines.find((l) => names.test(l)) !== undefined }).toEqual({ flow: proof.flow, exit: proof.exit, refused: true });
  });
});
