import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import { ClusterUnavailableError } from '../../src/errors/errors.js';
import { loadKubeConfig } from '../../src/kube/kubeconfig.js';
import { KubeTimeoutError, mapKubeError, withTimeout } from '../../src/kube/errors.js';
import { SecretReleaseStore } from '../../src/kube/release-store.js';
import { KubeForbiddenError, KubeUnreachableError } from '../../src/ports/release-store.js';
import { startFakeApi, writeKubeconfig } from './fake-api.js';

const ctx = { server: 'https://k8s.example:6443', verb: 'list', resource: 'secrets', namespace: 'team' };

async function closedPort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function storeFor(server: string, timeoutMs?: number, retryBudgetMs = 0): SecretReleaseStore {
  const kc = loadKubeConfig({ kubeconfig: writeKubeconfig(server), env: {} });
  return new SecretReleaseStore(kc.kubeConfig.makeApiClient(CoreV1Api), { server, timeoutMs, retryBudgetMs });
}

describe('mapKubeError with real client-node failures', () => {
  it('a closed localhost port: KubeUnreachableError "cannot reach ... to <the request>: connection refused" (exit 5)', async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const err = await storeFor(server).listHistory('web', 'team').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeUnreachableError);
    expect((err as KubeUnreachableError).exitCode).toBe(5);
    expect((err as Error).message).toBe(`cannot reach the Kubernetes API at ${server} to list secrets in namespace "team": connection refused`);
  });

  it('an unknown host: "host not found"', async () => {
    const err = await storeFor('http://no-such-host.invalid:6443').listHistory('web', 'team').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeUnreachableError);
    expect((err as Error).message).toMatch(/: (host not found|DNS lookup failed)$/);
  });

  it('a server that never answers: timeout, and the timer does not outlive the call', async () => {
    const api = await startFakeApi();
    api.hang = true;
    try {
      const err = await storeFor(api.url, 300).listHistory('web', 'team').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeUnreachableError);
      expect((err as Error).message).toBe(`cannot reach the Kubernetes API at ${api.url}: no answer within 0.3s to list secrets in namespace "team"`);
    } finally {
      await api.close();
    }
  });

  it('401 from the server: KubeForbiddenError about credentials', async () => {
    const api = await startFakeApi();
    api.failWith = { code: 401, reason: 'Unauthorized', message: 'Unauthorized' };
    try {
      const err = await storeFor(api.url).getRevision('web', 'team', 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KubeForbiddenError);
      expect((err as Error).message).toBe(`the Kubernetes API at ${api.url} rejected our credentials (401 Unauthorized) to get secrets in namespace "team"`);
    } finally {
      await api.close();
    }
  });

  it('a lasting 5xx: ClusterUnavailableError with the status message once the retry budget is spent', async () => {
    const api = await startFakeApi();
    api.failWith = { code: 503, reason: 'ServiceUnavailable', message: 'etcd is down' };
    try {
      const started = Date.now();
      const err = await storeFor(api.url, undefined, 1000).listHistory('web', 'team').catch((e: unknown) => e);
      // Retried (200 + 400 ms of pauses) before giving up.
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect(err).toBeInstanceOf(ClusterUnavailableError);
      expect((err as Error).message).toBe(`the Kubernetes API at ${api.url} answered 503 to list secrets in namespace "team": etcd is down`);
    } finally {
      await api.close();
    }
  });
});

describe('mapKubeError on shapes', () => {
  it.each([
    [{ code: 'ECONNRESET', message: 'socket hang up' }, 'connection reset'],
    [{ code: 'EHOSTUNREACH' }, 'host unreachable'],
    [{ message: 'request failed', cause: { code: 'ETIMEDOUT' } }, 'connection timed out'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'TLS error: self-signed certificate'],
  ])('%j -> unreachable: %s', (err, reason) => {
    const mapped = mapKubeError(err, ctx);
    expect(mapped).toBeInstanceOf(KubeUnreachableError);
    expect((mapped as Error).message).toBe(`cannot reach the Kubernetes API at https://k8s.example:6443 to list secrets in namespace "team": ${reason}`);
  });

  it('leaves 404 and unknown errors alone', () => {
    const notFound = { code: 404, body: '{}' };
    expect(mapKubeError(notFound, ctx)).toBe(notFound);
    const other = new TypeError('boom');
    expect(mapKubeError(other, ctx)).toBe(other);
  });

  it('withTimeout passes results through and rejects late calls', async () => {
    await expect(withTimeout(1000, async () => 42)).resolves.toBe(42);
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    await expect(withTimeout(20, () => late)).rejects.toBeInstanceOf(KubeTimeoutError);
    release();
  });
});
