/**
 * Deleting one pod, for the forced StatefulSet rollback (Kubernetes' documented fix for an OrderedReady
 * StatefulSet stuck on a pod of a reverted revision). Adapter: src/kube/pod-deleter.ts; tests use a fake.
 */
export interface PodDeleter {
  /**
   * Deletes pod `name` if it still has `uid` (a precondition: a pod the controller has already replaced under
   * the same name is never deleted). A pod already gone counts as deleted.
   */
  deletePod(namespace: string, name: string, uid: string): Promise<void>;
}
