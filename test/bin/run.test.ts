import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('bin/run.js', () => {
  it('says in one line that the bundle must be built when dist/bundle is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-bundle-'));
    try {
      cpSync(join(process.cwd(), 'bin'), join(dir, 'bin'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
      const r = spawnSync(process.execPath, [join(dir, 'bin', 'run.js'), '--help'], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('Error: the CLI bundle dist/bundle/run.mjs is missing (run `npm run build` first)\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
