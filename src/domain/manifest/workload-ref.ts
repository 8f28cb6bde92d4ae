/**
 * The built-in kinds judged by rules of their own (src/domain/health); PersistentVolumeClaims must bind;
 * Services only of type LoadBalancer, which must get an address where helm's --wait waits for one.
 */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'Pod' | 'PersistentVolumeClaim' | 'Service';

/** The workload kinds, in the stable order used when several verdicts compete. */
export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod', 'PersistentVolumeClaim', 'Service'];

/** A label selector as Kubernetes spells it (`matchLabels` and `matchExpressions`). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/**
 * One workload of a release, taken from the rendered manifest (or from a hook). Enough to find its live
 * object and its pods; the live object itself comes from the cluster snapshot.
 */
export interface WorkloadRef {
  /** e.g. `apps/v1`, `batch/v1`, `v1`. */
  apiVersion: string;
  /** A {@link WorkloadKind}, or (with `generic`) any other kind of the manifest, e.g. `Certificate`. */
  kind: WorkloadKind | (string & NonNullable<unknown>);
  /**
   * Set for a kind without a rule of its own (a custom resource, or a built-in kind with a status such as an
   * APIService): judged by the kstatus conventions (src/domain/health/resource-rules.ts).
   */
  generic?: true;
  namespace: string;
  name: string;
  /** Labels of the pod template (Deployments, StatefulSets, DaemonSets, Jobs); for a bare Pod, its own labels. */
  templateLabels?: Record<string, string>;
  /** Annotations of the pod template (e.g. `checksum/config`); for a bare Pod, its own annotations. */
  templateAnnotations?: Record<string, string>;
  /**
   * Image of each container and init container of the pod template, by container name. With the template
   * labels and annotations this tells whether helm has applied this revision's spec to the live object yet.
   */
  images?: Record<string, string>;
  /** `spec.selector` of the workload, when it has one. */
  selector?: LabelSelector;
  /** Set when the workload is a Helm hook: the hook events it runs on (e.g. `pre-upgrade`). */
  hook?: { events: string[]; deletePolicies: string[] };
}

/** `Kind/name`, the way kubectl names an object; used in verdicts, reports and the UI. */
export function objectName(ref: { kind: string; name: string }): string {
  return `${ref.kind}/${ref.name}`;
}
