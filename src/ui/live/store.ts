import type { UpgradeEvent } from '../../domain/upgrade/events.js';
import { initialViewState, reduceUpgradeEvent, type UpgradeViewState } from './state.js';

/** The live view's state holder: the reducer plus subscribers (React reads it with useSyncExternalStore). */
export interface LiveStore {
  getState(): UpgradeViewState;
  dispatch(event: UpgradeEvent): void;
  /** Marks the event stream as over (the view then exits even without a `finished` event). */
  end(): void;
  isEnded(): boolean;
  /** Wall-clock time at which the latest event arrived, for a clock that runs between events. */
  lastReceivedAt(): Date | undefined;
  subscribe(listener: () => void): () => void;
}

/** A store that starts from the initial state; `now` is the wall clock. */
export function createLiveStore(now: () => Date = () => new Date()): LiveStore {
  let state = initialViewState();
  let ended = false;
  let receivedAt: Date | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of [...listeners]) l();
  };
  return {
    getState: () => state,
    dispatch(event) {
      if (ended) return;
      state = reduceUpgradeEvent(state, event);
      receivedAt = now();
      if (event.type === 'finished') ended = true;
      notify();
    },
    end() {
      if (ended) return;
      ended = true;
      notify();
    },
    isEnded: () => ended,
    lastReceivedAt: () => receivedAt,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The time to draw: the latest event's time (the service's clock) plus the wall-clock time since it arrived.
 * Immune to a service clock that is offset from ours (e.g. the simulator's).
 */
export function displayTime(state: UpgradeViewState, receivedAt: Date | undefined, wallNow: Date): Date | undefined {
  if (!state.lastEventAt) return undefined;
  if (state.report || !receivedAt) return state.lastEventAt;
  return new Date(state.lastEventAt.getTime() + Math.max(0, wallNow.getTime() - receivedAt.getTime()));
}
