import { CoreV1Api } from '@kubernetes/client-node';
import { loadKubeConfig, resolveNamespace, type LoadedKubeConfig } from './kubeconfig.js';
import { parseDriver, releaseStoreFor, type KubeReleaseStore } from './release-store.js';

/** The flags every release-reading command shares; all optional, defaults as in helm. */
export interface ReleaseStoreFlags {
  /** `--kubeconfig`; default `$KUBECONFIG`, then ~/.kube/config. */
  kubeconfig?: string;
  /** `--kube-context`; default `$HELM_KUBECONTEXT`, then current-context. */
  context?: string;
  /** `-n/--namespace`; default `$HELM_NAMESPACE`, then the context's namespace, then "default". */
  namespace?: string;
  /** `--driver`; default `$HELM_DRIVER`, then secret. */
  driver?: string;
  /** Per-request timeout in ms; default 30000. */
  timeoutMs?: number;
  /** Environment to read the HELM_* and KUBECONFIG variables from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A ready release store, the namespace to use, and the kubeconfig it came from. */
export interface OpenedReleaseStore {
  store: KubeReleaseStore;
  namespace: string;
  kube: LoadedKubeConfig;
}

/**
 * Builds the release store a command needs from helm-style flags and environment. Checks the driver first,
 * then loads the kubeconfig; makes no request. Bad input throws a one-line UsageError.
 */
export function openReleaseStore(flags: ReleaseStoreFlags = {}): OpenedReleaseStore {
  const env = flags.env ?? process.env;
  const driver = parseDriver(flags.driver ?? env.HELM_DRIVER);
  const kube = loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context, env });
  const api = kube.kubeConfig.makeApiClient(CoreV1Api);
  const store = releaseStoreFor(api, { server: kube.server, timeoutMs: flags.timeoutMs }, driver);
  return { store, namespace: resolveNamespace(flags.namespace, kube, env), kube };
}
