import type { CoreV1Api, V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import type { ReleaseInventory } from '../ports/release-inventory.js';
import { mapKubeError, retryTransient, withTimeout } from './errors.js';
import type { DriverName } from './release-store.js';

/**
 * ReleaseInventory over helm's storage driver: LISTs the records (label `owner=helm`, paged), reading labels and
 * the size of `data.release`. A Secret's data arrives base64-encoded, so its stored size is the decoded length.
 */
export function createKubeReleaseInventory(api: CoreV1Api, driver: DriverName, options: { server: string; timeoutMs?: number }): ReleaseInventory {
  const resource = driver === 'configmap' ? 'configmaps' : 'secrets';
  const list = async (namespace: string | undefined, labelSelector: string): Promise<Array<V1Secret | V1ConfigMap>> => {
    const out: Array<V1Secret | V1ConfigMap> = [];
    let cont: string | undefined;
    do {
      const request = { labelSelector, limit: 500, _continue: cont };
      let page;
      try {
        page = await retryTransient('list', () => withTimeout(options.timeoutMs ?? 30_000, () => {
          if (namespace === undefined) return driver === 'configmap' ? api.listConfigMapForAllNamespaces(request) : api.listSecretForAllNamespaces(request);
          return driver === 'configmap' ? api.listNamespacedConfigMap({ ...request, namespace }) : api.listNamespacedSecret({ ...request, namespace });
        }), { server: options.server });
      } catch (err) {
        throw mapKubeError(err, { server: options.server, verb: 'list', resource, namespace: namespace ?? '' });
      }
      out.push(...page.items);
      cont = page.metadata?._continue || undefined;
    } while (cont);
    return out;
  };
  return {
    async listReleases(namespace) {
      const seen = new Map<string, { release: string; namespace: string }>();
      for (const item of await list(namespace, 'owner=helm')) {
        const name = item.metadata?.labels?.name;
        const ns = item.metadata?.namespace;
        if (name && ns) seen.set(`${ns}/${name}`, { release: name, namespace: ns });
      }
      return [...seen.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.release.localeCompare(b.release));
    },
    async recordBytes(release, namespace) {
      return (await list(namespace, `owner=helm,name=${release}`))
        .map((item) => {
          const body = item.data?.release ?? '';
          const bytes = driver === 'configmap' ? Buffer.byteLength(body) : Buffer.from(body, 'base64').length;
          return { revision: Number(item.metadata?.labels?.version), bytes };
        })
        .filter((r) => Number.isInteger(r.revision) && r.revision > 0)
        .sort((a, b) => a.revision - b.revision);
    },
  };
}
