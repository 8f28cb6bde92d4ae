import { decodeLedger, ledgerConfigMapName } from '../../domain/rollback/ledger.js';
import type { LedgerStore } from '../../ports/ledger-store.js';
import { httpStatusOf, mapKubeError, retryTransient } from '../errors.js';
import type { KubeSourceOptions, RecordSource, ReleaseRecord } from '../release-records.js';
import type { RestClient } from './rest-client.js';

/** Labels only (PartialObjectMetadataList), else the plain list from a server that does not offer it. */
const metadataOnly = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

type KubeObject = { metadata?: { name?: string; labels?: Record<string, string> }; data?: Record<string, string> };
type KubeList = { items?: KubeObject[]; metadata?: { continue?: string } };

/** Release records (Secrets or ConfigMaps) over the light REST client: the same requests and retries as the client-node source. */
export function restRecordSource(client: RestClient, resource: 'secrets' | 'configmaps', options: KubeSourceOptions): RecordSource {
  const pageSize = options.pageSize ?? 500;
  const call = async <T>(verb: string, namespace: string, path: string, accept?: string): Promise<T> => {
    try {
      return (await retryTransient(verb, () => client.getJson(path, accept), { budgetMs: options.retryBudgetMs, server: options.server })) as T;
    } catch (err) {
      throw mapKubeError(err, { server: options.server, verb, resource, namespace });
    }
  };
  const base = (namespace: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}`;
  const toRecord = (obj: KubeObject): ReleaseRecord => ({ name: obj.metadata?.name ?? '', labels: obj.metadata?.labels ?? {}, payload: obj.data?.release });
  return {
    resource,
    async list(namespace, labelSelector, listOptions = {}) {
      const out: ReleaseRecord[] = [];
      let cont: string | undefined;
      do {
        const query = new URLSearchParams({ labelSelector, limit: String(pageSize), ...(cont ? { continue: cont } : {}) });
        const page = await call<KubeList>('list', namespace, `${base(namespace)}?${query}`, listOptions.bodies ? undefined : metadataOnly);
        for (const item of page.items ?? []) out.push(toRecord(item));
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return out;
    },
    async get(namespace, name) {
      try {
        return toRecord(await call<KubeObject>('get', namespace, `${base(namespace)}/${encodeURIComponent(name)}`));
      } catch (err) {
        if (httpStatusOf(err) === 404) return undefined;
        throw err;
      }
    },
  };
}

/** Reads the autorollback ledger ConfigMap over the light REST client (reading only: see read-ports.ts). */
export function restLedgerReader(client: RestClient, options: KubeSourceOptions): Pick<LedgerStore, 'read'> {
  return {
    async read(release, namespace) {
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(ledgerConfigMapName(release))}`;
      try {
        return decodeLedger(((await retryTransient('get', () => client.getJson(path), { server: options.server })) as KubeObject).data);
      } catch (err) {
        if (httpStatusOf(err) === 404) return decodeLedger(undefined);
        throw mapKubeError(err, { server: options.server, verb: 'get', resource: 'configmaps', namespace });
      }
    },
  };
}
