/** The Ink live view (loads React): import lazily, through `renderLiveUpgrade` in src/ui/index.ts. */
export { renderLiveUpgrade } from './render.js';
export { LiveUpgradeApp, type LiveUpgradeAppProps } from './app.js';
export { LiveUpgradeView, LogLine, type LiveUpgradeViewProps } from './view.js';
export { createLiveStore, displayTime, type LiveStore } from './store.js';
export * from './state.js';
export type { LiveRenderOptions, LiveUpgradeHandle, UpgradeEventSource } from './types.js';
