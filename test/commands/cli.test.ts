import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runJs = join(process.cwd(), 'bin', 'run.js');
const run = (...args: string[]) => spawnSync(process.execPath, [runJs, ...args], { encoding: 'utf8' });
/** Runs the CLI without blocking this process (needed when this process serves HTTP to it). */
function runAsync(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runJs, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
/** stderr as lines, without the trailing newline. */
const lines = (text: string) => text.trim().split('\n');

describe('the built CLI (bin/run.js)', () => {
  it('prints help listing the version command', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/version\s+Print the plugin version/);
  });

  it('reports its version as text and as JSON', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(run('version').stdout).toContain(`helm-autorollback ${pkg.version}`);
    const json = JSON.parse(run('version', '--json').stdout);
    expect(json).toMatchObject({ version: pkg.version, node: process.version });
  });

  it('turns an unknown flag into a one-line usage error with exit code 2', () => {
    const r = run('version', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: unknown flag --bogus/);
  });

  it('suggests the flag for a typo of a flag that takes a value (upgrade passes unknown flags to helm)', () => {
    const r = run('upgrade', 'shop', 'examples/webapp', '--unready-grase', '10s');
    expect({ status: r.status, stderr: lines(r.stderr) }).toEqual({ status: 2, stderr: ['Error: unknown flag --unready-grase (did you mean --unready-grace?)'] });
    const h = run('history', 'shop', '--mx', '3');
    expect({ status: h.status, stderr: lines(h.stderr) }).toEqual({ status: 2, stderr: ['Error: unknown flag --mx (did you mean --max?)'] });
  });

  it('names the missing arguments', () => {
    const r = run('upgrade');
    expect({ status: r.status, stderr: lines(r.stderr) }).toEqual({ status: 2, stderr: ['Error: missing arguments RELEASE and CHART (usage: helm-autorollback upgrade RELEASE CHART [flags])'] });
    expect(lines(run('history').stderr)).toEqual(['Error: missing argument RELEASE (usage: helm-autorollback history RELEASE [flags])']);
  });

  it('suggests a command from the command word alone, whatever arguments follow', () => {
    const r = run('upgarde', 'shop', 'examples/webapp');
    expect({ status: r.status, stderr: lines(r.stderr) }).toEqual({ status: 2, stderr: ['Error: "upgarde" is not a helm-autorollback command. Did you mean "upgrade"? (see helm-autorollback --help)'] });
    expect(lines(run('histroy', 'shop', '-n', 'prod').stderr)[0]).toContain('Did you mean "history"?');
  });

  it('a flag value oclif rejects is one line too', () => {
    const r = run('history', 'shop', '--max', '0');
    expect({ status: r.status, stderr: lines(r.stderr) }).toEqual({ status: 2, stderr: ['Error: --max: Expected an integer greater than or equal to 1 but received: 0 (see helm-autorollback history --help)'] });
  });

  it('a binary that is not helm is a usage error (exit 2) naming it, before the cluster is asked anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-nohelm-'));
    try {
      // Nothing listens on port 9: reaching the cluster first would end with exit 5.
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: [{name: x, cluster: {server: "http://127.0.0.1:9"}}]\nusers: [{name: x, user: {}}]\ncontexts: [{name: x, context: {cluster: x, user: x}}]\ncurrent-context: x\n');
      for (const bin of ['/bin/true', '/bin/echo']) {
        const r = spawnSync(process.execPath, [runJs, 'upgrade', 'shop', 'examples/webapp', '--no-tui'], { encoding: 'utf8', env: { ...process.env, HELM_BIN: bin, KUBECONFIG: kubeconfig } });
        expect({ status: r.status, stderr: lines(r.stderr) }).toEqual({ status: 2, stderr: [expect.stringMatching(new RegExp(`^Error: "${bin}" is not a helm binary: \`${bin} version --short\` printed `))] });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('a kubeconfig pointing at an HTTP server that is not Kubernetes', () => {
    let server: Server;
    let dir: string;
    let kubeconfig: string;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><body>Error response: 404 File not found</body></html>');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      dir = mkdtempSync(join(tmpdir(), 'cli-http-'));
      kubeconfig = join(dir, 'kubeconfig');
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: x, cluster: {server: "${url}"}}]\nusers: [{name: x, user: {}}]\ncontexts: [{name: x, context: {cluster: x, user: x}}]\ncurrent-context: x\n`);
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    it('is exit 5, saying it does not look like a Kubernetes API server, with a JSON error under --json', async () => {
      const r = await runAsync(['history', 'shop', '-n', 'prod', '--json'], { KUBECONFIG: kubeconfig });
      expect(r.status).toBe(5);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(/^Error: the server at http:\/\/127\.0\.0\.1:\d+ does not look like a Kubernetes API server: it answered 404/)]);
      expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'error', exitCode: 5, message: expect.stringContaining('does not look like a Kubernetes API server') });
    });
  });
});

describe('errors under --json', () => {
  it('are still printed as one line on stderr, and as a JSON error object on stdout, on every command', () => {
    const r = run('version', '--json', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Error: unknown flag --bogus/);
    expect(JSON.parse(r.stdout)).toEqual({ outcome: 'error', exitCode: 2, message: 'unknown flag --bogus', hint: 'see helm-autorollback version --help' });
    for (const args of [['upgrade', '--json'], ['upgrade', 'Bad_Name', 'chart', '--json'], ['history', 'shop', '--max', '0', '--json']]) {
      const e = run(...args);
      expect(e.status).toBe(2);
      expect(JSON.parse(e.stdout)).toMatchObject({ outcome: 'error', exitCode: 2, message: expect.any(String) });
    }
  });
});
