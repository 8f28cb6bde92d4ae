import { gunzipSync, gzipSync } from 'node:zlib';
import { CoreV1Api, type KubeConfig, type V1ConfigMap, type V1Secret } from '@kubernetes/client-node';
import { recordName } from '../domain/release/release.js';
import type { ReleaseMarker } from '../ports/release-marker.js';
import { httpStatusOf, mapKubeError, retryTransient, withTimeout } from './errors.js';
import type { DriverName } from './release-store.js';

/** Options of {@link createKubeReleaseMarker}. */
export interface KubeReleaseMarkerOptions {
  kubeConfig: KubeConfig;
  server: string;
  driver: DriverName;
  timeoutMs?: number;
}

/**
 * Marks a revision failed the way helm does (helm's storage `Update`): the body's `info.status` and
 * `info.description`, and the record's `status` / `modifiedAt` labels. The body is edited as raw JSON, so
 * every field helm wrote (including ones this tool does not model) is kept; it is written back gzipped and
 * base64-encoded as helm writes it. Optimistic: a concurrent write (409) is retried on a fresh read.
 */
export function createKubeReleaseMarker(options: KubeReleaseMarkerOptions): ReleaseMarker {
  const api = options.kubeConfig.makeApiClient(CoreV1Api);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const resource = options.driver === 'configmap' ? 'configmaps' : 'secrets';
  const call = async <T>(verb: string, namespace: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await retryTransient(verb, () => withTimeout(timeoutMs, fn), { server: options.server });
    } catch (err) {
      throw mapKubeError(err, { server: options.server, verb, resource, namespace });
    }
  };
  return {
    async markFailed(release, namespace, revision, description) {
      const name = recordName(release, revision);
      for (let attempt = 0; ; attempt++) {
        const record: V1Secret | V1ConfigMap =
          resource === 'secrets'
            ? await call('get', namespace, () => api.readNamespacedSecret({ name, namespace }))
            : await call('get', namespace, () => api.readNamespacedConfigMap({ name, namespace }));
        const payload = record.data?.release;
        if (!payload) throw new Error(`release record ${namespace}/${name} has no data.release`);
        const body = rewriteStatus(payload, 'failed', description);
        const labels = { ...(record.metadata?.labels ?? {}), status: 'failed', modifiedAt: String(Math.floor(Date.now() / 1000)) };
        const updated = { ...record, metadata: { ...record.metadata, labels }, data: { ...record.data, release: body } };
        try {
          if (resource === 'secrets') await call('update', namespace, () => api.replaceNamespacedSecret({ name, namespace, body: updated as V1Secret }));
          else await call('update', namespace, () => api.replaceNamespacedConfigMap({ name, namespace, body: updated as V1ConfigMap }));
          return;
        } catch (err) {
          if (httpStatusOf(err) === 409 && attempt < 4) continue;
          throw err;
        }
      }
    },
  };
}

/**
 * A release payload with `info.status` and `info.description` replaced, in the same base64 layering as given
 * (ConfigMap: base64(gzip(JSON)); Secret through the JSON API: that base64-encoded once more).
 */
export function rewriteStatus(payload: string, status: string, description: string): string {
  let bytes = Buffer.from(payload, 'utf8');
  let layers = 0;
  let json: Record<string, unknown> | undefined;
  for (; layers <= 3; layers++) {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      json = JSON.parse(gunzipSync(bytes).toString('utf8')) as Record<string, unknown>;
      break;
    }
    if (bytes.toString('utf8').trimStart().startsWith('{')) {
      json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      break;
    }
    bytes = Buffer.from(bytes.toString('utf8'), 'base64');
  }
  if (!json) throw new Error('release payload is not gzip or JSON after 3 base64 layers');
  const info = typeof json.info === 'object' && json.info !== null ? (json.info as Record<string, unknown>) : {};
  json.info = { ...info, status, description };
  let out: Buffer = gzipSync(Buffer.from(JSON.stringify(json), 'utf8'));
  for (let i = 0; i < layers; i++) out = Buffer.from(out.toString('base64'), 'utf8');
  return out.toString('utf8');
}
