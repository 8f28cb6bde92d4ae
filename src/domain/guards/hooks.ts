import type { Hook, Release } from '../release/release.js';

/** The hook events `helm rollback` runs. */
export const ROLLBACK_HOOK_EVENTS = ['pre-rollback', 'post-rollback'] as const;

/**
 * The hooks a rollback to `target` runs: only the target's own `pre-rollback`/`post-rollback` hooks (helm
 * never runs `pre-upgrade` hooks on a rollback, and none of the revision being left), in the order helm runs
 * them: pre before post, then by weight, then by name. Empty with `--no-hooks`.
 */
export function rollbackHooks(target: Pick<Release, 'hooks'>, options: { noHooks?: boolean } = {}): Hook[] {
  if (options.noHooks) return [];
  const phase = (h: Hook) => (h.events.includes('pre-rollback') ? 0 : 1);
  return target.hooks
    .filter((h) => h.events.some((e) => (ROLLBACK_HOOK_EVENTS as readonly string[]).includes(e)))
    .sort((a, b) => phase(a) - phase(b) || a.weight - b.weight || a.name.localeCompare(b.name));
}
