/**
 * The Helm release model as this plugin sees it: a typed view of the JSON helm 3 and helm 4 store in each
 * revision record (helm's `pkg/release` / `pkg/release/v1`, the same "v1" format in both majors).
 * Pure types; decoding lives in ./decode.ts.
 */

/** Every status helm writes into `info.status` and the `status` label, spelled as helm spells it. */
export const releaseStatuses = [
  'unknown',
  'deployed',
  'uninstalled',
  'superseded',
  'failed',
  'uninstalling',
  'pending-install',
  'pending-upgrade',
  'pending-rollback',
] as const;

/** A release status; anything helm might add later is read as `unknown`. */
export type ReleaseStatus = (typeof releaseStatuses)[number];

/** The lifecycle events a hook can run on (`helm.sh/hook` annotation values). */
export type HookEvent =
  | 'pre-install'
  | 'post-install'
  | 'pre-delete'
  | 'post-delete'
  | 'pre-upgrade'
  | 'post-upgrade'
  | 'pre-rollback'
  | 'post-rollback'
  | 'test'
  | (string & {});

/** How a hook's last run ended; a hook that never ran (helm writes an empty phase) reads as `Unknown`. */
export type HookPhase = 'Unknown' | 'Running' | 'Succeeded' | 'Failed';

/** The last execution of a hook, as recorded in the revision. */
export interface HookRun {
  phase: HookPhase;
  /** Absent when helm wrote a zero time (empty string in helm 3, omitted in helm 4). */
  startedAt?: Date;
  completedAt?: Date;
}

/** A hook declared by the chart of this revision. */
export interface Hook {
  /** The hook object's metadata.name. */
  name: string;
  /** The Kubernetes kind of the hook object (Job, Pod, ConfigMap, ...). */
  kind: string;
  /** Chart-relative template path, e.g. `mychart/templates/migrate.yaml`. */
  path: string;
  /** The rendered hook object. */
  manifest: string;
  events: HookEvent[];
  lastRun: HookRun;
  /** `helm.sh/hook-weight`, 0 when unset. */
  weight: number;
  /** `helm.sh/hook-delete-policy` values (hook-succeeded, hook-failed, before-hook-creation). */
  deletePolicies: string[];
}

/** The chart a revision was made from (`chart.metadata`). */
export interface ChartRef {
  name: string;
  version: string;
  /** Empty when the chart has no appVersion. */
  appVersion: string;
}

/** One decoded revision of a release. */
export interface Release {
  name: string;
  namespace: string;
  /** helm's `version` field: the revision number, 1-based. */
  revision: number;
  status: ReleaseStatus;
  chart: ChartRef;
  firstDeployed?: Date;
  lastDeployed?: Date;
  /** Set when the revision was uninstalled. */
  deleted?: Date;
  /** helm's one-line log entry for the revision ("Install complete", "Upgrade \"x\" failed: ..."). */
  description: string;
  /** The user-supplied values (`config`), without the chart defaults. */
  values: Record<string, unknown>;
  /** The chart's default values (`chart.values`), when the record carries them. */
  chartValues?: Record<string, unknown>;
  /** All rendered non-hook objects, as helm applied them (YAML documents). */
  manifest: string;
  hooks: Hook[];
  /** Custom release labels (`helm upgrade --labels`), read from the record's metadata, system labels removed. */
  labels: Record<string, string>;
  /** helm 4 only: how the objects were applied ("ssa" server-side apply, "csa" client-side). */
  applyMethod?: string;
}

/** What `listHistory` knows about a revision from its record's labels alone, without decoding the body. */
export interface RevisionSummary {
  /** Name of the Secret/ConfigMap holding the revision, `sh.helm.release.v1.<release>.v<revision>`. */
  recordName: string;
  release: string;
  revision: number;
  status: ReleaseStatus;
  /** From the `createdAt` label (unix seconds), when present. */
  createdAt?: Date;
  /** From the `modifiedAt` label (unix seconds), when present. */
  modifiedAt?: Date;
}

/** The name helm gives the record holding revision `revision` of `release`. */
export function recordName(release: string, revision: number): string {
  return `sh.helm.release.v1.${release}.v${revision}`;
}

/** Reads a status string, mapping anything unknown to `unknown`. */
export function toReleaseStatus(value: unknown): ReleaseStatus {
  return typeof value === 'string' && (releaseStatuses as readonly string[]).includes(value)
    ? (value as ReleaseStatus)
    : 'unknown';
}
