/**
 * An in-memory coordination.k8s.io/v1 Lease API for watchdog tests: resourceVersions, 409 on a create that
 * finds one or a write with a stale resourceVersion, 404 on a missing one, exactly as the adapter expects.
 */
import type { LeaseFields } from '../../src/domain/watchdog/lease.js';
import type { LeaseApi, StoredLease } from '../../src/kube/watchdog-lease.js';

/** As over the wire: JSON in, JSON out (times become strings). */
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const status = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code });

export class MemoryLeaseApi implements LeaseApi {
  private rv = 0;
  readonly leases = new Map<string, StoredLease>();
  /** Make the next N calls fail as if the API were unreachable. */
  failNext = 0;
  private check(): void {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('connect ECONNREFUSED');
    }
  }
  async get(namespace: string, name: string): Promise<StoredLease | undefined> {
    this.check();
    const l = this.leases.get(`${namespace}/${name}`);
    return l ? wire(l) : undefined;
  }
  async create(namespace: string, body: LeaseFields): Promise<void> {
    this.check();
    const key = `${namespace}/${body.metadata.name}`;
    if (this.leases.has(key)) throw status(409);
    this.leases.set(key, { ...wire(body), metadata: { ...wire(body.metadata), resourceVersion: String(++this.rv) } });
  }
  async replace(namespace: string, name: string, body: LeaseFields): Promise<void> {
    this.check();
    const key = `${namespace}/${name}`;
    const cur = this.leases.get(key);
    if (!cur) throw status(404);
    if (body.metadata.resourceVersion && body.metadata.resourceVersion !== cur.metadata?.resourceVersion) throw status(409);
    this.leases.set(key, { ...wire(body), metadata: { ...wire(body.metadata), resourceVersion: String(++this.rv) } });
  }
  async delete(namespace: string, name: string, resourceVersion?: string): Promise<void> {
    this.check();
    const key = `${namespace}/${name}`;
    const cur = this.leases.get(key);
    if (!cur) return;
    if (resourceVersion && resourceVersion !== cur.metadata?.resourceVersion) throw status(409);
    this.leases.delete(key);
  }
}
