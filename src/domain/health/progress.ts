import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { PodProgress, WarningEvent } from './types.js';
import { earliest, findCondition, floorToSecond, toDate } from './kube-util.js';

/** How many Warning events the view model keeps. */
export const MAX_WARNINGS = 5;

/** One pod of the new revision as the UI lists it. */
export function podProgress(pod: V1Pod, owner: string): PodProgress {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const restarts = statuses.reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
  const ready = findCondition(pod.status?.conditions, 'Ready')?.status === 'True';
  const scheduled = findCondition(pod.status?.conditions, 'PodScheduled');
  let reason: string | undefined;
  // The first abnormal container state is what `kubectl get pods` would show in its STATUS column.
  for (const c of statuses) {
    reason = c.state?.waiting?.reason ?? (c.state?.terminated && !ready ? c.state.terminated.reason : undefined);
    if (reason) break;
  }
  if (!reason && scheduled?.status === 'False') reason = scheduled.reason ?? 'Unschedulable';
  if (!reason && !ready && pod.status?.phase === 'Running') {
    const unready = statuses.find((c) => c.state?.running && c.ready !== true);
    if (unready) reason = 'NotReady';
  }
  return {
    name: pod.metadata?.name ?? '',
    owner,
    phase: pod.status?.phase ?? 'Pending',
    ...(reason ? { reason } : {}),
    restarts,
    ready,
  };
}

/**
 * The newest Warning events about the given objects since `since`, oldest first, at most {@link MAX_WARNINGS}.
 */
export function recentWarnings(
  events: readonly CoreV1Event[],
  objects: ReadonlyArray<{ kind: string; name: string }>,
  since: Date,
): WarningEvent[] {
  const wanted = new Set(objects.map((o) => `${o.kind}/${o.name}`));
  const found: WarningEvent[] = [];
  for (const e of events) {
    if (e.type !== 'Warning') continue;
    const object = `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`;
    if (!wanted.has(object)) continue;
    const lastSeen = toDate(e.lastTimestamp) ?? earliest(toDate(e.eventTime), toDate(e.firstTimestamp));
    if (!lastSeen || lastSeen.getTime() < floorToSecond(since)) continue;
    found.push({ object, reason: e.reason ?? '', message: e.message ?? '', count: e.count ?? 1, lastSeen });
  }
  found.sort(
    (a, b) =>
      a.lastSeen.getTime() - b.lastSeen.getTime() ||
      a.object.localeCompare(b.object) ||
      a.reason.localeCompare(b.reason) ||
      a.message.localeCompare(b.message),
  );
  return found.slice(-MAX_WARNINGS);
}
