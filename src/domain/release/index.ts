/** The release model, record decoding and label reading, in one import. */
export * from './release.js';
export * from './decode.js';
export * from './labels.js';
