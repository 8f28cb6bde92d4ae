/**
 * Writing one thing into helm's release storage: a revision's status `failed`, exactly as helm itself records
 * a failed upgrade. Needed when helm's --wait was satisfied before our verdict (e.g. pods with no readiness
 * probe that crash a few seconds after starting): helm then calls the revision deployed, and after the
 * rollback superseded, which would hide the failure from `helm history` and from later runs.
 * Adapter: src/kube/release-marker.ts.
 */
export interface ReleaseMarker {
  /** Sets status `failed` and `description` on `revision` (record label and body). */
  markFailed(release: string, namespace: string, revision: number, description: string): Promise<void>;
}
