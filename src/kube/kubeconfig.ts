import { existsSync, readFileSync, statSync } from 'node:fs';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { UsageError } from '../errors/errors.js';
import { candidateFiles, nonEmpty, resolveNamespace } from './kubeconfig-files.js';

export { resolveNamespace };

/** Where to read the kubeconfig from and which context to use; unset fields fall back like helm does. */
export interface KubeConfigOptions {
  /** `--kubeconfig`: one explicit file; default: `$KUBECONFIG` (a path list), then `~/.kube/config`. */
  kubeconfig?: string;
  /** `--kube-context`; default: `$HELM_KUBECONTEXT`, then the kubeconfig's current-context. */
  context?: string;
  /** Environment to read KUBECONFIG/HELM_KUBECONTEXT from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home folder for `~/.kube/config`; default os.homedir(). */
  home?: string;
}

/** A kubeconfig loaded and pointed at one context. */
export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  /** The context in use. */
  context: string;
  /** The API server URL of that context's cluster, for error messages. */
  server: string;
  /** The namespace the context names, if any. */
  contextNamespace?: string;
  /** The files read, in merge order (empty for in-cluster config). */
  sources: string[];
}

const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads the kubeconfig the way helm/kubectl find it and selects the context.
 * An explicit `--kubeconfig` must exist; in a `$KUBECONFIG` list missing files are skipped (as client-go
 * does) but at least one must exist. Any problem is a one-line UsageError naming the path (exit 2).
 */
export function loadKubeConfig(options: KubeConfigOptions = {}): LoadedKubeConfig {
  const env = options.env ?? process.env;
  const { files, origin } = candidateFiles(options, env);
  const present = files.filter((f) => existsSync(f));
  if (options.kubeconfig !== undefined && present.length === 0) {
    throw new UsageError(`kubeconfig "${options.kubeconfig}" does not exist (from --kubeconfig)`, {
      hint: 'pass an existing file to --kubeconfig, or leave the flag out to use $KUBECONFIG or ~/.kube/config',
    });
  }
  const kc = new KubeConfig();
  if (present.length === 0) {
    if (env.KUBERNETES_SERVICE_HOST && existsSync(serviceAccountToken)) {
      kc.loadFromCluster();
      return select(kc, options.context ?? nonEmpty(env.HELM_KUBECONTEXT), []);
    }
    throw new UsageError(`no kubeconfig found: ${files.map((f) => `"${f}"`).join(', ')} ${files.length > 1 ? 'do' : 'does'} not exist (from ${origin})`, {
      hint: 'pass --kubeconfig or set KUBECONFIG',
    });
  }
  const merged = { clusters: [] as Cluster[], users: [] as User[], contexts: [] as Context[], currentContext: '' };
  for (const file of present) {
    const one = readOne(file);
    // client-go's merge rule: the first file that names a cluster/user/context or sets current-context wins.
    addNew(merged.clusters, one.getClusters());
    addNew(merged.users, one.getUsers());
    addNew(merged.contexts, one.getContexts());
    if (!merged.currentContext && one.getCurrentContext()) merged.currentContext = one.getCurrentContext();
  }
  // client-node refuses plain-http servers unless TLS verification is off; for http there is no TLS at all,
  // and kubectl/helm accept such kubeconfigs (e.g. `kubectl proxy`, local simulators), so we do too.
  merged.clusters = merged.clusters.map((c) => (c.server.startsWith('http://') ? { ...c, skipTLSVerify: true } : c));
  kc.loadFromOptions(merged);
  return select(kc, options.context ?? nonEmpty(env.HELM_KUBECONTEXT), present);
}

function readOne(file: string): KubeConfig {
  if (!statSync(file).isFile()) throw new UsageError(`kubeconfig "${file}" is not a file`, { hint: 'point --kubeconfig or KUBECONFIG at a kubeconfig file' });
  const kc = new KubeConfig();
  try {
    // client-node fails on an empty file with a TypeError about `undefined`; say what is wrong instead.
    if (readFileSync(file, 'utf8').trim() === '') throw new Error('the file is empty');
    kc.loadFromFile(file);
  } catch (err) {
    const reason = firstLine((err as Error).message);
    throw new UsageError(`cannot read kubeconfig "${file}": ${reason}`, { hint: 'fix the kubeconfig file or pass another with --kubeconfig', cause: err });
  }
  return kc;
}

function select(kc: KubeConfig, requested: string | undefined, sources: string[]): LoadedKubeConfig {
  const where = sources.length ? `kubeconfig ${sources.map((s) => `"${s}"`).join(', ')}` : 'the in-cluster config';
  const name = requested ?? kc.getCurrentContext();
  if (!name) throw new UsageError(`${where} sets no current-context`, { hint: 'pass --kube-context' });
  const context = kc.getContextObject(name);
  if (!context) {
    const known = kc.getContexts().map((c) => c.name);
    throw new UsageError(`context "${name}" not found in ${where}`, {
      hint: known.length ? `known contexts: ${known.join(', ')}` : 'it defines no contexts',
    });
  }
  kc.setCurrentContext(name);
  const cluster = kc.getCluster(context.cluster);
  if (!cluster || !cluster.server) {
    throw new UsageError(`context "${name}" in ${where} points to cluster "${context.cluster}", which has no server`);
  }
  const loaded: LoadedKubeConfig = { kubeConfig: kc, context: name, server: cluster.server, sources };
  if (context.namespace) loaded.contextNamespace = context.namespace;
  return loaded;
}

function addNew<T extends { name: string }>(into: T[], items: readonly T[]): void {
  for (const item of items) if (!into.some((x) => x.name === item.name)) into.push(item);
}


function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? text;
}
