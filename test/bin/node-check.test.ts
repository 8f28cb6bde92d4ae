import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MIN_NODE_MAJOR, nodeVersionProblem } from '../../bin/node-check.js';

describe('the Node version gate of bin/run.js', () => {
  it.each(['20.0.0', 'v20.20.2', '22.11.0', '24.1.0'])('accepts Node %s', (version) => {
    expect(nodeVersionProblem(version)).toBeUndefined();
  });

  it.each(['18.19.1', 'v16.20.2', '14.21.3'])('rejects Node %s with one clear line naming both versions', (version) => {
    const problem = nodeVersionProblem(version);
    expect(problem).toBe(
      `helm-autorollback needs Node.js >= ${MIN_NODE_MAJOR} but this is Node.js ${version}; ` +
        `install Node ${MIN_NODE_MAJOR} or newer (or use the standalone linux-x64 build of the plugin)`,
    );
    expect(problem).not.toContain('\n');
  });

  it('uses the minimum it is given', () => {
    expect(nodeVersionProblem('20.1.0', 22)).toMatch(/needs Node.js >= 22 but this is Node.js 20.1.0/);
    expect(nodeVersionProblem('22.0.0', 22)).toBeUndefined();
  });

  it('keeps the minimum equal to package.json engines.node', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_MAJOR}`);
  });

  it('stops bin/run.js with that line and exit code 2 before loading the CLI', () => {
    // Pretend to be Node 18 by overriding process.versions before bin/run.js runs.
    const r = spawnSync(
      process.execPath,
      ['--import', 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"18.19.1"})', join('bin', 'run.js'), '--help'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`Error: ${nodeVersionProblem('18.19.1')}\n`);
    expect(r.stdout).toBe('');
  });
});
