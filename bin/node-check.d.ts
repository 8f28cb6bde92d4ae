// Types of bin/node-check.js (kept plain JavaScript so any Node can parse it).

/** Oldest Node major the plugin supports (package.json `engines.node`). */
export const MIN_NODE_MAJOR: number;

/** The one-line problem with running on Node `version`, or undefined when it is new enough. */
export function nodeVersionProblem(version: string, min?: number): string | undefined;
