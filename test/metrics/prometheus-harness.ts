/**
 * Test helpers for metric analysis against the REAL Prometheus (Debian's `prometheus` package, installed by
 * .ci/run): a tiny exporter the test controls, and a Prometheus on a free port with its own config and
 * storage in a temp dir, scraping that exporter every second. Nothing depends on a system Prometheus on :9090.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A /metrics endpoint with one gauge per release, `app_error_ratio{release=...}`, the test sets. */
export interface Exporter {
  port: number;
  set(release: string, value: number): void;
  close(): Promise<void>;
}

/** Starts the exporter on a free port of 127.0.0.1. */
export async function startExporter(): Promise<Exporter> {
  const values = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const lines = ['# HELP app_error_ratio Share of requests that failed.', '# TYPE app_error_ratio gauge'];
    for (const [release, value] of values) lines.push(`app_error_ratio{release="${release}"} ${Number.isNaN(value) ? 'NaN' : value}`);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    set: (release, value) => void values.set(release, value),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A running Prometheus. */
export interface TestPrometheus {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for it to exit; its port is then refused. */
  stop(): Promise<void>;
  /** Resolves once the query returns a non-empty vector (the first scrape landed). */
  waitForSeries(query: string, timeoutMs?: number): Promise<void>;
}

/** A TCP port free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Whether the prometheus binary is on PATH. */
export function prometheusBinary(): string {
  return process.env.PROMETHEUS_BIN ?? 'prometheus';
}

/** Starts Prometheus scraping `127.0.0.1:<exporterPort>` every second; resolves when it is ready. */
export async function startPrometheus(exporterPort: number): Promise<TestPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'har-prom-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: app',
      '    static_configs:',
      `      - targets: ["127.0.0.1:${exporterPort}"]`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    prometheusBinary(),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  let running = true;
  void exited.then(() => (running = false));

  const poll = async (ok: () => Promise<boolean>, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!running) throw new Error(`prometheus exited while waiting for ${what}: ${stderr.trim()}`);
      if (await ok().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`prometheus: no ${what} within ${timeoutMs} ms: ${stderr.trim()}`);
      // Prometheus has no readiness event to subscribe to; its /-/ready endpoint is the documented probe.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await poll(async () => (await fetch(`${url}/-/ready`)).status === 200, 'readiness', 30_000);
  return {
    url,
    port,
    async stop() {
      if (running) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
    waitForSeries: (query, timeoutMs = 20_000) =>
      poll(
        async () => {
          const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
          const body = (await res.json()) as { data?: { result?: unknown[] } };
          return (body.data?.result?.length ?? 0) > 0;
        },
        `series for ${query}`,
        timeoutMs,
      ),
  };
}
