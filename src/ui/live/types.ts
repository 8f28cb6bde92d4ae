// Types of the live view's public API, kept apart from the .tsx files so importing them loads no React.
import type { UpgradeEvent } from '../../domain/upgrade/events.js';

/**
 * Where the live view gets its events: an async iterable (ends the view when it ends), or anything with a
 * `subscribe(listener)` that returns an unsubscribe function.
 */
export type UpgradeEventSource =
  | AsyncIterable<UpgradeEvent>
  | { subscribe(listener: (event: UpgradeEvent) => void): (() => void) | void };

/** Options of `renderLiveUpgrade`. */
export interface LiveRenderOptions {
  /** The terminal to draw on; pass process.stderr to keep stdout for results. */
  stdout: NodeJS.WriteStream;
  /** Never read (the view takes no input); passed to Ink so it does not touch process.stdin. */
  stdin?: NodeJS.ReadStream;
  /** Ink's error stream. Default process.stderr. */
  stderr?: NodeJS.WriteStream;
  /** Colour the view (default true); pass `colorEnabled(stdout, env)` to honour NO_COLOR. */
  color?: boolean;
  /** How often the clock and countdown redraw, in ms (default 500); 0 redraws only on events. */
  tickMs?: number;
  /** The wall clock (default `() => new Date()`); only its progress between events is used. */
  now?: () => Date;
}

/** A running live view. */
export interface LiveUpgradeHandle {
  /** Feeds one event (for callers that push events instead of passing a source). */
  onEvent(event: UpgradeEvent): void;
  /** Settles once the view has drawn its final frame: after the `finished` event, the source's end, or unmount. */
  waitUntilExit(): Promise<void>;
  /** Stops drawing now (e.g. on SIGINT), leaving the last frame on screen. */
  unmount(): void;
}
