// The UI of helm-autorollback, reachable only through these few functions. Importing this module loads no
// React/Ink: the live view is imported lazily by renderLiveUpgrade, so CI mode and --help stay light.
import type { LiveRenderOptions, LiveUpgradeHandle, UpgradeEventSource } from './live/types.js';

export { colorEnabled, type ColorStream } from './color.js';
export {
  createPlainRenderer,
  type PlainRenderer,
  type PlainRendererOptions,
  type TextSink,
} from './plain-renderer.js';
export {
  createCiRenderer,
  escapeCommandData,
  escapeCommandProperty,
  githubErrorAnnotation,
  markdownSummary,
  timelineOf,
  type CiRendererOptions,
  type TimelineEntry,
} from './ci-output.js';
export { formatReportText, reportLines, type ReportLine } from './report-text.js';
export type { LiveRenderOptions, LiveUpgradeHandle, UpgradeEventSource } from './live/types.js';

/**
 * Draws the live TUI (Ink) of an upgrade from its events until the `finished` event (or `unmount()`).
 * Async only because Ink and React are loaded on first use; the returned handle is ready to take events.
 */
export async function renderLiveUpgrade(
  events: UpgradeEventSource | undefined,
  options: LiveRenderOptions,
): Promise<LiveUpgradeHandle> {
  const live = await import('./live/render.js');
  return live.renderLiveUpgrade(events, options);
}
