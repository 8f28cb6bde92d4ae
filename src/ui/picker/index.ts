/** The history picker (loads React/Ink): import lazily. */
export { runPicker, type PickerRenderOptions } from './render.js';
export { PickerApp, type PickerAppProps } from './app.js';
export { PickerView, tabLines, type PickerViewProps } from './view.js';
export * from './state.js';
