import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, kubectl } from '../helpers.js';

// Runs the built CLI (npm test builds first), as `helm autorollback sim` does.
const runJs = join(process.cwd(), 'bin', 'run.js');

describe('the sim command', () => {
  it('prints one ready line, serves kubectl through the written kubeconfig, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cmd-'));
    const kubeconfig = join(dir, 'kc.yaml');
    const child = spawn(process.execPath, [runJs, 'sim', '--kubeconfig', kubeconfig, '--faults', 'latency=1ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          if (out.includes('\n')) {
            clearTimeout(timer);
            resolve(out.split('\n')[0]);
          }
        });
        child.on('close', () => reject(new Error(`exited early: ${out}`)));
      });
      expect(line).toMatch(new RegExp(`^ready http://127\\.0\\.0\\.1:\\d+ ${kubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      expect(readFileSync(kubeconfig, 'utf8')).toMatch(/current-context: autorollback-sim/);
      const r = await kubectl({ kubeconfigPath: kubeconfig, dir }, ['get', 'namespaces', '-o', 'name']);
      expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system']));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out.trim().split('\n')).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad fault spec with one line on stderr and exit code 2', async () => {
    const r = await run(process.execPath, [runJs, 'sim', '--faults', 'error-rate=lots'], process.env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['Error: invalid fault spec "error-rate=lots": invalid error-rate "lots" (use a fraction between 0 and 1)']);
  });

  it('reads nodes from --config and reports a bad config file in one line with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cfg-'));
    try {
      const config = join(dir, 'sim.yaml');
      writeFileSync(config, 'nodes:\n- name: big-node\n  cpu: "64"\n  memory: 256Gi\n');
      const kubeconfig = join(dir, 'kc.yaml');
      const child = spawn(process.execPath, [runJs, 'sim', '--kubeconfig', kubeconfig, '--config', config, '--time-scale', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no ready line')), 30_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const nodes = await kubectl({ kubeconfigPath: kubeconfig, dir }, ['get', 'nodes', '-o', 'name']);
      expect(nodes.stdout.trim()).toBe('node/big-node');
      child.kill('SIGINT');
      expect(await exited).toBe(0);

      writeFileSync(config, 'nodes: 3\n');
      const bad = await run(process.execPath, [runJs, 'sim', '--config', config], process.env);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/^Error: .*sim\.yaml.*nodes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
