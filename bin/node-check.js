// Node version gate for bin/run.js. Written in the plainest JavaScript so that even an old Node can parse it
// and print one clear line instead of a SyntaxError from deep inside the bundle.

/** Oldest Node major the plugin supports (package.json `engines.node`). */
export const MIN_NODE_MAJOR = 20;

/**
 * Returns the one-line problem with running on Node `version` (e.g. "18.19.0" or "v18.19.0"), or undefined when it
 * is new enough.
 * @param {string} version the running Node's version, normally `process.versions.node`
 * @param {number} [min] the oldest supported major (default MIN_NODE_MAJOR)
 * @returns {string | undefined}
 */
export function nodeVersionProblem(version, min) {
  var need = min === undefined ? MIN_NODE_MAJOR : min;
  var major = parseInt(String(version).replace(/^v/, '').split('.')[0], 10);
  if (major >= need) return undefined;
  return 'helm-autorollback needs Node.js >= ' + need + ' but this is Node.js ' + version +
    '; install Node ' + need + ' or newer (or use the standalone linux-x64 build of the plugin)';
}
