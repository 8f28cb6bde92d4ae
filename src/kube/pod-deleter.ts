import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { PodDeleter } from '../ports/pod-deleter.js';
import { httpStatusOf, mapKubeError, retryTransient, withTimeout } from './errors.js';

/** Options of {@link createKubePodDeleter}. */
export interface KubePodDeleterOptions {
  kubeConfig: KubeConfig;
  server: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

/** Deletes pods through the API server with a uid precondition; 404 (already gone) and 409 (replaced) are fine. */
export function createKubePodDeleter(options: KubePodDeleterOptions): PodDeleter {
  const api = options.kubeConfig.makeApiClient(CoreV1Api);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    async deletePod(namespace, name, uid) {
      try {
        await retryTransient('delete', () => withTimeout(timeoutMs, () => api.deleteNamespacedPod({ name, namespace, body: { preconditions: { uid } } })), { server: options.server });
      } catch (err) {
        const status = httpStatusOf(err);
        if (status === 404 || status === 409) return;
        throw mapKubeError(err, { server: options.server, verb: 'delete', resource: 'pods', namespace });
      }
    },
  };
}
