import type { Release } from '../domain/release/release.js';
import type { ReleaseStore } from '../ports/release-store.js';

/**
 * Decoded revisions of one release, read on demand and kept in memory: the history table decodes only the rows
 * it shows, the picker only the revision under the cursor (and the deployed one it diffs against).
 */
export interface RevisionCache {
  /** The decoded revision; a second call (even a concurrent one) reads and decodes nothing again. */
  get(revision: number): Promise<Release>;
  /** The decoded revision when it is already in memory, else undefined (never starts a read). */
  peek(revision: number): Release | undefined;
}

/** Default number of decoded revisions kept: a few screens of the picker; bodies can be megabytes each. */
export const defaultCacheCapacity = 24;

/**
 * A cache over `store` for one release, least recently used first out. A failed read is not cached, so a retry
 * reads again.
 */
export function createRevisionCache(store: ReleaseStore, release: string, namespace: string, capacity = defaultCacheCapacity): RevisionCache {
  const entries = new Map<number, Promise<Release>>();
  const done = new Map<number, Release>();
  const touch = (revision: number, value: Promise<Release>) => {
    entries.delete(revision);
    entries.set(revision, value);
    while (entries.size > capacity) {
      const oldest = entries.keys().next().value as number;
      entries.delete(oldest);
      done.delete(oldest);
    }
  };
  return {
    get(revision) {
      const cached = entries.get(revision);
      if (cached) {
        touch(revision, cached);
        return cached;
      }
      const read = store.getRevision(release, namespace, revision).then(
        (rel) => {
          if (entries.get(revision) === read) done.set(revision, rel);
          return rel;
        },
        (err: unknown) => {
          if (entries.get(revision) === read) entries.delete(revision);
          throw err;
        },
      );
      touch(revision, read);
      return read;
    },
    peek(revision) {
      return done.get(revision);
    },
  };
}
