import { toReleaseStatus, type RevisionSummary } from './release.js';

/** Labels helm itself sets on every release record; all other labels are the user's (`--labels`). */
export const systemLabels = ['name', 'owner', 'status', 'version', 'createdAt', 'modifiedAt'] as const;

const recordNamePattern = /^sh\.helm\.release\.v1\.(.+)\.v(\d+)$/;

/**
 * What a record's labels say about its revision, without touching the body: revision from the `version`
 * label (or, failing that, the record name's `.v<N>` suffix), status, createdAt/modifiedAt (unix seconds).
 * Returns undefined for a record that is not a helm release record of a known revision.
 */
export function summaryFromLabels(
  labels: Readonly<Record<string, string>> | undefined,
  recordName: string,
): RevisionSummary | undefined {
  const fromName = recordNamePattern.exec(recordName);
  const revision = positiveInt(labels?.version) ?? positiveInt(fromName?.[2]);
  const release = labels?.name ?? fromName?.[1];
  if (revision === undefined || release === undefined) return undefined;
  const summary: RevisionSummary = { recordName, release, revision, status: toReleaseStatus(labels?.status) };
  const createdAt = unixSeconds(labels?.createdAt);
  const modifiedAt = unixSeconds(labels?.modifiedAt);
  if (createdAt) summary.createdAt = createdAt;
  if (modifiedAt) summary.modifiedAt = modifiedAt;
  return summary;
}

/** The record's labels minus helm's own: what helm shows as the release's labels. */
export function customLabels(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!(systemLabels as readonly string[]).includes(key)) out[key] = value;
  }
  return out;
}

/** Summaries sorted by revision, oldest first; input untouched. */
export function sortByRevision<T extends { revision: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.revision - b.revision);
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}

function unixSeconds(value: string | undefined): Date | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return new Date(Number(value) * 1000);
}
