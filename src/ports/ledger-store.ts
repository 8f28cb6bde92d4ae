import type { LedgerEntry } from '../domain/rollback/ledger.js';

/**
 * Where the autorollback ledger lives (a ConfigMap `autorollback-<release>` next to the release). Adapter:
 * src/kube/ledger-store.ts; tests use an in-memory fake.
 */
export interface LedgerStore {
  /** The entries (empty when there is no ledger yet) and a line for each thing ignored while reading. */
  read(release: string, namespace: string): Promise<{ entries: LedgerEntry[]; warnings: string[] }>;
  /** Records one verdict (read-modify-write; the newest entry for a revision wins). */
  record(release: string, namespace: string, entry: LedgerEntry): Promise<void>;
}
