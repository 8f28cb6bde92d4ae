import { nextForcedStep, type ForcedDeletion, type StuckStatefulSet } from '../domain/rollback/statefulset-force.js';
import type { UpgradeEvent } from '../domain/upgrade/events.js';
import type { Clock } from '../ports/clock.js';
import type { ClusterWatch } from '../ports/cluster-watch.js';
import type { PodDeleter } from '../ports/pod-deleter.js';

/** What the forced StatefulSet rollback works through. */
export interface ForceDeps {
  watch: ClusterWatch;
  pods: PodDeleter;
  clock: Clock;
  emit: (event: UpgradeEvent) => void;
}

/**
 * Carries out the forced StatefulSet rollback while a rollback runs: at every cluster change, for each stuck
 * StatefulSet, once its template is reverted, deletes the next not-ready pod of the failed revision (one
 * ordinal at a time, highest first, the next only once the replacement is ready), logging each deletion.
 * A deletion that fails is reported and that StatefulSet is left alone. `stop()` ends it (idempotent).
 */
export function startForcedRollback(deps: ForceDeps, stuck: readonly StuckStatefulSet[]): { stop(): void } {
  const { watch, pods, clock, emit } = deps;
  const last = new Map<string, ForcedDeletion>();
  const finished = new Set<string>();
  let busy = false;
  let again = false;
  let stopped = false;

  const notice = (level: 'info' | 'warn', message: string) => emit({ type: 'notice', level, message, at: clock.now() });

  async function step(): Promise<void> {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const snapshot = watch.snapshot();
        for (const s of stuck) {
          if (finished.has(s.uid) || stopped) continue;
          const next = nextForcedStep(snapshot, s, last.get(s.uid));
          if (next.action === 'done') finished.add(s.uid);
          if (next.action !== 'delete') continue;
          const pod = next.pod;
          last.set(s.uid, pod);
          notice('info', `forced StatefulSet rollback: deleting pod ${pod.name} of StatefulSet/${pod.statefulSet} (failed revision ${pod.revision}, not ready) so the controller recreates it from the reverted template`);
          try {
            await pods.deletePod(pod.namespace, pod.name, pod.uid);
          } catch (err) {
            finished.add(s.uid);
            notice('warn', `forced StatefulSet rollback: could not delete pod ${pod.name}: ${(err as Error).message}; delete it yourself: kubectl delete pod ${pod.name} -n ${pod.namespace}`);
          }
        }
      } while (again && !stopped);
    } finally {
      busy = false;
    }
  }

  const off = watch.onChange(() => void step());
  void step();
  return {
    stop() {
      stopped = true;
      off();
    },
  };
}
