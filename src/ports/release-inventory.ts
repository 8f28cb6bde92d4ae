/**
 * What `doctor` reads about helm's release records beyond one release's history: which releases exist in a
 * namespace (or everywhere), and how big each stored record is. Adapter: src/kube/release-inventory.ts.
 */
export interface ReleaseInventory {
  /** Every release with at least one record, sorted by namespace then name; `undefined` = all namespaces. */
  listReleases(namespace: string | undefined): Promise<Array<{ release: string; namespace: string }>>;
  /** The size in bytes of each stored record's body (`data.release` as stored), by revision. */
  recordBytes(release: string, namespace: string): Promise<Array<{ revision: number; bytes: number }>>;
}
