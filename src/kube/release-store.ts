import { setHeaderOptions, type CoreV1Api, type V1ConfigMap, type V1Secret } from '@kubernetes/client-node';
import { httpStatusOf, mapKubeError, retryTransient, withTimeout } from './errors.js';
import { KubeReleaseStore, parseDriver, type DriverName, type KubeSourceOptions, type PayloadDecoder, type RecordSource, type ReleaseRecord } from './release-records.js';

export { KubeReleaseStore, parseDriver };
export type { DriverName, KubeSourceOptions, PayloadDecoder, RecordSource, ReleaseRecord };

/** Secret driver (HELM_DRIVER=secret, helm's default): Secrets of type helm.sh/release.v1. */
export class SecretReleaseStore extends KubeReleaseStore {
  constructor(api: CoreV1Api, options: KubeSourceOptions, decode?: PayloadDecoder) {
    super(clientNodeSource(api, 'secrets', options), 'secret', decode);
  }
}

/** ConfigMap driver (HELM_DRIVER=configmap). */
export class ConfigMapReleaseStore extends KubeReleaseStore {
  constructor(api: CoreV1Api, options: KubeSourceOptions, decode?: PayloadDecoder) {
    super(clientNodeSource(api, 'configmaps', options), 'configmap', decode);
  }
}

/** The store for a driver (default `$HELM_DRIVER`, else secret) over a CoreV1Api client. */
export function releaseStoreFor(
  api: CoreV1Api,
  options: KubeSourceOptions,
  driver: string | undefined = process.env.HELM_DRIVER ?? 'secret',
): KubeReleaseStore {
  return parseDriver(driver) === 'configmap' ? new ConfigMapReleaseStore(api, options) : new SecretReleaseStore(api, options);
}

/**
 * Listing needs labels only: ask for PartialObjectMetadataList (what `kubectl get` uses), so the API server sends
 * no release bodies; a server that does not offer it falls back to the plain list (second media type).
 */
const metadataOnly = setHeaderOptions('Accept', 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json');

function clientNodeSource(api: CoreV1Api, resource: 'secrets' | 'configmaps', options: KubeSourceOptions): RecordSource {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pageSize = options.pageSize ?? 500;
  const call = async <T>(verb: string, namespace: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await retryTransient(verb, () => withTimeout(timeoutMs, fn), { budgetMs: options.retryBudgetMs, server: options.server });
    } catch (err) {
      throw mapKubeError(err, { server: options.server, verb, resource, namespace });
    }
  };
  const toRecord = (obj: V1Secret | V1ConfigMap): ReleaseRecord => ({
    name: obj.metadata?.name ?? '',
    labels: obj.metadata?.labels ?? {},
    payload: obj.data?.release,
  });
  return {
    resource,
    async list(namespace, labelSelector, listOptions = {}) {
      const out: ReleaseRecord[] = [];
      const accept = listOptions.bodies ? undefined : metadataOnly;
      let cont: string | undefined;
      do {
        const request = { namespace, labelSelector, limit: pageSize, _continue: cont };
        const page = await call('list', namespace, () =>
          resource === 'secrets' ? api.listNamespacedSecret(request, accept) : api.listNamespacedConfigMap(request, accept),
        );
        for (const item of page.items) out.push(toRecord(item));
        cont = page.metadata?._continue || undefined;
      } while (cont);
      return out;
    },
    async get(namespace, name) {
      try {
        const obj = await call('get', namespace, () =>
          resource === 'secrets'
            ? api.readNamespacedSecret({ name, namespace })
            : api.readNamespacedConfigMap({ name, namespace }),
        );
        return toRecord(obj);
      } catch (err) {
        if (httpStatusOf(err) === 404) return undefined;
        throw err;
      }
    },
  };
}
