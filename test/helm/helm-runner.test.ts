import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors/errors.js';
import { createHelmRunner, lastErrorLine, parseHelmMajor, parseHelmVersion, resolveHelmBinary, runHelm } from '../../src/helm/helm-runner.js';
import { helmBinary } from '../../src/toolchain/binaries.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'helm-runner-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in helm: a small shell script (the runner itself never uses a shell). */
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('helm runner', () => {
  it('passes argv verbatim (no shell), streams lines as they come and keeps stderr', async () => {
    const bin = script('echo-args', 'for a in "$@"; do echo "arg:$a"; done; echo "warn: x" >&2; echo "Error: boom" >&2; exit 3');
    const lines: string[] = [];
    const runner = createHelmRunner({ binary: bin });
    const tricky = ['--set', 'a=$(touch /tmp/pwned); b', "it's", '*'];
    const exit = await runner.start(tricky, { onLine: (s, l) => lines.push(`${s} ${l}`) }).exited;
    expect(exit.code).toBe(3);
    expect(lines).toEqual(expect.arrayContaining(tricky.map((a) => `stdout arg:${a}`)));
    expect(lines).toEqual(expect.arrayContaining(['stderr warn: x', 'stderr Error: boom']));
    expect(exit.stderr).toBe('warn: x\nError: boom\n');
    await expect(runHelm(runner, ['upgrade'])).rejects.toThrow('helm upgrade exited with code 3: boom');
  });

  it('ownProcessGroup starts helm as the leader of its own process group (a terminal Ctrl-C does not reach it)', async () => {
    const bin = script('pgid', 'read -r _ _ _ _ pgid _ < /proc/$$/stat; echo "$$ $pgid"');
    const own = await createHelmRunner({ binary: bin, ownProcessGroup: true }).start([]).exited;
    const [pid, pgid] = own.stdout.trim().split(' ');
    expect(pgid).toBe(pid);
    const shared = await createHelmRunner({ binary: bin }).start([]).exited;
    const [pid2, pgid2] = shared.stdout.trim().split(' ');
    expect(pgid2).not.toBe(pid2);
  });

  it('terminate() sends SIGTERM, which helm handles (it records the revision failed and exits 1)', async () => {
    const bin = script('waits', 'trap \'echo "Release x has been cancelled."; exit 1\' TERM; echo waiting; while true; do sleep 0.05; done');
    const runner = createHelmRunner({ binary: bin });
    let proc: ReturnType<typeof runner.start> | undefined;
    const waiting = new Promise<void>((resolve) => {
      proc = runner.start([], { onLine: (_s, l) => l === 'waiting' && resolve() });
    });
    await waiting; // the trap is installed once it prints
    proc?.terminate();
    const exit = await proc?.exited;
    expect(exit).toMatchObject({ code: 1, stdout: expect.stringContaining('has been cancelled') });
  });

  it('a missing binary is exit 127 for runs and a usage error for the version check', async () => {
    const runner = createHelmRunner({ binary: join(dir, 'no-such-helm') });
    const exit = await runner.start(['version']).exited;
    expect(exit.code).toBe(127);
    expect(exit.stderr).toContain('not found');
    await expect(runner.majorVersion()).rejects.toThrow(UsageError);
  });

  it.each([
    ['/bin/true (prints nothing)', '/bin/true', /^"\/bin\/true" is not a helm binary: `\/bin\/true version --short` printed ""$/],
    ['/bin/echo (prints its arguments)', '/bin/echo', /^"\/bin\/echo" is not a helm binary: `\/bin\/echo version --short` printed "version --short"$/],
  ])('refuses %s as not a helm binary, exit 2, one line', async (_name, binary, message) => {
    const err = await createHelmRunner({ binary }).majorVersion().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toMatch(message);
  });

  it.each([
    ['helm 3.10', 'echo "v3.10.0+gce66412"', /^helm v3\.10\.0\+gce66412 at ".*" is not supported: helm-autorollback needs helm 3\.14 or newer/],
    ['helm 2 (client line, then Tiller unreachable)', 'echo "Client: v2.17.0+ga690bad"; echo "Error: could not find tiller" >&2; exit 1', /^helm 2 \(v2\.17\.0\+ga690bad\) at ".*" is not supported/],
  ])('refuses %s before anything runs (exit 2)', async (name, body, message) => {
    const err = await createHelmRunner({ binary: script(`old-${name.length}`, body) }).majorVersion().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(message);
  });

  it('accepts helm 3.14 and later', async () => {
    expect(await createHelmRunner({ binary: script('h314', 'echo "v3.14.0+g3fc9f4b"') }).majorVersion()).toBe(3);
    expect(parseHelmVersion('v3.14.4+g81c902a\n')).toEqual({ major: 3, minor: 14, patch: 4, text: 'v3.14.4+g81c902a' });
  });

  it('keeps the whole of a helm error wrapped over several lines (helm 4 template errors), without log lines', () => {
    const helm4 = [
      'level=WARN msg="upgrade failed" name=shop',
      'Error: UPGRADE FAILED: webapp/templates/broken.yaml:1:10',
      'executing "webapp/templates/broken.yaml" at <.Values.x.deeper>:',
      'nil pointer evaluating interface {}.deeper',
      '',
    ].join('\n');
    expect(lastErrorLine(helm4)).toBe('UPGRADE FAILED: webapp/templates/broken.yaml:1:10 executing "webapp/templates/broken.yaml" at <.Values.x.deeper>: nil pointer evaluating interface {}.deeper');
  });

  it('detects the major version of the real helm 3 and helm 4', async () => {
    expect(await createHelmRunner({ binary: helmBinary(3) }).majorVersion()).toBe(3);
    expect(await createHelmRunner({ binary: helmBinary(4) }).majorVersion()).toBe(4);
  });

  it('parses versions, error lines and picks the binary like helm plugins expect', () => {
    expect(parseHelmMajor('v3.17.3+ge4da497\n')).toBe(3);
    expect(parseHelmMajor('v4.1.4+g1234567')).toBe(4);
    expect(parseHelmMajor('garbage')).toBeUndefined();
    expect(lastErrorLine('a\nError: UPGRADE FAILED: context canceled\n\n')).toBe('UPGRADE FAILED: context canceled');
    expect(lastErrorLine('just text\n')).toBe('just text');
    expect(resolveHelmBinary('/opt/helm', { HELM_BIN: '/usr/bin/helm' })).toBe('/opt/helm');
    expect(resolveHelmBinary(undefined, { HELM_BIN: '/usr/bin/helm' })).toBe('/usr/bin/helm');
    expect(resolveHelmBinary(undefined, {})).toBe('helm');
  });
});
