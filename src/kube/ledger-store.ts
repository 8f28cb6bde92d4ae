import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import {
  decodeLedger,
  encodeLedger,
  ledgerConfigMapName,
  ledgerLabels,
  recordVerdict,
  type LedgerEntry,
} from '../domain/rollback/ledger.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { httpStatusOf, mapKubeError, retryTransient, withTimeout } from './errors.js';

/** Options of {@link createKubeLedgerStore}. */
export interface KubeLedgerStoreOptions {
  kubeConfig: KubeConfig;
  /** API server URL, for error messages. */
  server: string;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
}

/**
 * The ledger as a ConfigMap `autorollback-<release>` in the release's namespace. Writes are optimistic
 * read-modify-write (resourceVersion) with a few retries on conflict, so two runs never lose each other's entry.
 */
export function createKubeLedgerStore(options: KubeLedgerStoreOptions): LedgerStore {
  const api = options.kubeConfig.makeApiClient(CoreV1Api);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const call = async <T>(verb: string, namespace: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await retryTransient(verb, () => withTimeout(timeoutMs, fn), { server: options.server });
    } catch (err) {
      throw mapKubeError(err, { server: options.server, verb, resource: 'configmaps', namespace });
    }
  };
  const get = async (release: string, namespace: string): Promise<V1ConfigMap | undefined> => {
    try {
      return await call('get', namespace, () => api.readNamespacedConfigMap({ name: ledgerConfigMapName(release), namespace }));
    } catch (err) {
      if (httpStatusOf(err) === 404) return undefined;
      throw err;
    }
  };
  return {
    async read(release, namespace) {
      return decodeLedger((await get(release, namespace))?.data);
    },
    async record(release, namespace, entry: LedgerEntry) {
      for (let attempt = 0; ; attempt++) {
        const current = await get(release, namespace);
        const entries = recordVerdict(decodeLedger(current?.data).entries, entry);
        const body: V1ConfigMap = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: ledgerConfigMapName(release),
            namespace,
            labels: { ...(current?.metadata?.labels ?? {}), ...ledgerLabels(release) },
            ...(current?.metadata?.resourceVersion ? { resourceVersion: current.metadata.resourceVersion } : {}),
          },
          data: encodeLedger(entries),
        };
        try {
          if (current) {
            await call('update', namespace, () => api.replaceNamespacedConfigMap({ name: ledgerConfigMapName(release), namespace, body }));
          } else {
            await call('create', namespace, () => api.createNamespacedConfigMap({ namespace, body }));
          }
          return;
        } catch (err) {
          // 409: someone wrote in between (Conflict) or created it first (AlreadyExists): read again.
          if (httpStatusOf(err) === 409 && attempt < 4) continue;
          throw err;
        }
      }
    },
  };
}
