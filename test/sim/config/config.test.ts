import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { behaviourForImage, defaultSimConfig, ensureNodes, globMatch, loadSimConfig, parseSimConfig, simConfigFrom, SimConfigError } from '../../../src/sim/config.js';
import { parseImage } from '../../../src/sim/kubelet/images.js';
import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import { ManualClock } from '../kubelet/manual-clock.js';

const none = { images: [], pullSeconds: 1 };

describe('behaviourForImage: built-in conventions', () => {
  it.each([
    ['nginx:1.25', { pull: 'ok', exit: undefined, readyAfterSeconds: 0, completion: { code: 0, afterSeconds: 2, oom: false } }],
    ['example.com/crashloop:1', { exit: { code: 1, afterSeconds: 2, oom: false }, completion: { code: 1, afterSeconds: 2, oom: false } }],
    ['example.com/missing:1', { pull: 'missing' }],
    ['oom:1', { exit: { code: 137, afterSeconds: 2, oom: true } }],
    ['unready:1', { readyAfterSeconds: null, exit: undefined }],
    ['app:crash-after-45s', { exit: { code: 1, afterSeconds: 45, oom: false }, readyAfterSeconds: 0 }],
    ['app:slow-start-15s', { readyAfterSeconds: 15, exit: undefined }],
    ['job-fail:1', { exit: undefined, completion: { code: 1, afterSeconds: 2, oom: false } }],
    ['Bad::Ref', { pull: 'invalid' }],
  ])('%s', (image, expected) => {
    const { exit, ...rest } = expected as Record<string, unknown>;
    const b = behaviourForImage(image, none);
    expect(b).toMatchObject(rest);
    // Long-running containers of these images never exit by themselves.
    if ('exit' in expected) expect(b.exit).toEqual(exit);
  });

  it('an image pinned by digest runs by digest: the tag is ignored by the conventions, the name still counts', () => {
    const digest = 'sha256:' + 'c'.repeat(64);
    expect(behaviourForImage(`example.com/app:crashloop@${digest}`, none).exit).toBeUndefined();
    expect(behaviourForImage(`example.com/app:missing@${digest}`, none).pull).toBe('ok');
    expect(behaviourForImage(`example.com/crashloop-app:1.0@${digest}`, none).exit).toEqual({ code: 1, afterSeconds: 2, oom: false });
    expect(behaviourForImage(`example.com/app:crashloop`, none).exit).toEqual({ code: 1, afterSeconds: 2, oom: false });
    // Config rules still match the reference as written, tag included.
    expect(behaviourForImage(`example.com/app:bad@${digest}`, parseSimConfig('images: [{match: "*:bad@*", pull: missing}]')).pull).toBe('missing');
  });

  it('config rules override conventions; first matching glob wins', () => {
    const config = parseSimConfig(`
images:
  - match: "registry.example.com/team/*"
    exitCode: 3
    exitAfter: 30
  - match: "*crashloop*"
    exitCode: 0
  - match: "*"
    ready: false
`);
    expect(behaviourForImage('registry.example.com/team/api:2', config)).toMatchObject({ exit: { code: 3, afterSeconds: 30, oom: false }, readyAfterSeconds: 0 });
    // exitCode 0 alone only scripts run-to-completion: a crashloop image is healed.
    expect(behaviourForImage('x/crashloop:1', config)).toMatchObject({ completion: { code: 0, afterSeconds: 2 } });
    expect(behaviourForImage('x/crashloop:1', config).exit).toBeUndefined();
    expect(behaviourForImage('nginx', config).readyAfterSeconds).toBeNull();
  });

  it('pull rules and pull time', () => {
    const config = parseSimConfig('pullSeconds: 3\nimages:\n  - match: "ghcr.io/*"\n    pull: missing\n    pullSeconds: 0.1\n');
    expect(behaviourForImage('ghcr.io/a/b:1', config)).toMatchObject({ pull: 'missing', pullSeconds: 0.1 });
    expect(behaviourForImage('nginx', config).pullSeconds).toBe(3);
    const d = behaviourForImage('nginx', { images: [] }).pullSeconds;
    expect(d).toBeGreaterThanOrEqual(0.5);
    expect(d).toBeLessThan(1);
  });
});

describe('globMatch and parseImage', () => {
  it('globs', () => {
    expect(globMatch('*/crash*', 'example.com/crashy:1')).toBe(true);
    expect(globMatch('nginx:1.?', 'nginx:1.2')).toBe(true);
    expect(globMatch('nginx', 'nginx:1')).toBe(false);
  });
  it('normalises like containerd', () => {
    expect(parseImage('nginx')).toMatchObject({ normalized: 'docker.io/library/nginx:latest' });
    expect(parseImage('bitnami/redis:7')).toMatchObject({ normalized: 'docker.io/bitnami/redis:7' });
    expect(parseImage('localhost:5000/app')).toMatchObject({ normalized: 'localhost:5000/app:latest' });
    expect(parseImage('ghcr.io/o/r@sha256:' + 'a'.repeat(64))).toMatchObject({ repository: 'ghcr.io/o/r', digest: 'sha256:' + 'a'.repeat(64) });
    expect(parseImage('nginx::1')).toEqual({ error: 'couldn\'t parse image name "nginx::1": invalid reference format' });
    expect(parseImage('')).toEqual({ error: 'couldn\'t parse image name "": invalid reference format' });
  });
});

describe('parseSimConfig', () => {
  it('defaults: three nodes of 4 cpu / 8Gi / 110 pods', () => {
    expect(parseSimConfig('')).toEqual(defaultSimConfig());
    expect(defaultSimConfig().nodes.map((n) => `${n.name} ${n.cpu} ${n.memory} ${n.pods}`)).toEqual([
      'sim-node-1 4 8Gi 110',
      'sim-node-2 4 8Gi 110',
      'sim-node-3 4 8Gi 110',
    ]);
  });

  it('nodes with labels and taints, timeScale', () => {
    const c = parseSimConfig(`
timeScale: 10
nodes:
  - name: big
    cpu: 16
    memory: 64Gi
    labels: {disk: ssd}
    taints: [{key: dedicated, value: db, effect: NoSchedule}]
`);
    expect(c.timeScale).toBe(10);
    expect(c.nodes).toEqual([{ name: 'big', cpu: '16', memory: '64Gi', pods: 110, labels: { disk: 'ssd' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }]);
  });

  it.each([
    ['nodes: [}', /^sim config: not valid YAML: /],
    ['- a', 'sim config: top level: expected a mapping with nodes: and images:'],
    ['nodez: []', /^sim config: nodez: unknown field/],
    ['nodes: []', 'sim config: nodes: expected a non-empty list of nodes'],
    ['nodes: [{name: a, memory: lots}]', 'sim config: nodes[0].memory: expected a quantity like "8Gi" or "512Mi", got "lots"'],
    ['nodes: [{name: A_b}]', 'sim config: nodes[0].name: expected a DNS name, got "A_b"'],
    ['nodes: [{name: a}, {name: a}]', 'sim config: nodes[1].name: duplicate node name "a"'],
    ['nodes: [{name: a, taints: [{key: k, effect: Sometimes}]}]', 'sim config: nodes[0].taints[0].effect: expected NoSchedule, PreferNoSchedule or NoExecute'],
    ['images: [{pull: ok}]', 'sim config: images[0].match: expected a glob such as "registry.example.com/*"'],
    ['images: [{match: "*", pull: maybe}]', 'sim config: images[0].pull: expected ok, missing or invalid'],
    ['images: [{match: "*", exitCode: 300}]', 'sim config: images[0].exitCode: expected an integer 0-255'],
    ['images: [{match: "*", exitAfter: -1}]', 'sim config: images[0].exitAfter: expected a number of seconds >= 0'],
    ['images: [{match: "*", colour: red}]', /^sim config: images\[0\]\.colour: unknown field/],
    ['timeScale: 0', 'sim config: timeScale: expected a number > 0'],
    ['loadBalancer: off', 'sim config: loadBalancer: expected a mapping such as {enabled: false}'],
    ['loadBalancer: {enabled: no-thanks}', 'sim config: loadBalancer.enabled: expected true or false'],
    ['loadBalancer: {delay: 1}', 'sim config: loadBalancer.delay: unknown field (known: enabled, delaySeconds)'],
    ['loadBalancer: {delaySeconds: -1}', 'sim config: loadBalancer.delaySeconds: expected a number of seconds >= 0'],
  ])('rejects %s with one clear line', (text, message) => {
    let error: unknown;
    try {
      parseSimConfig(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SimConfigError);
    const m = (error as Error).message;
    expect(m.includes('\n')).toBe(false);
    if (typeof message === 'string') expect(m).toBe(message);
    else expect(m).toMatch(message);
  });

  it('loadBalancer: on by default after 2 s; a switch turns it off', () => {
    expect(defaultSimConfig().loadBalancer).toEqual({ enabled: true, delaySeconds: 2 });
    expect(parseSimConfig('loadBalancer: {enabled: false}').loadBalancer).toEqual({ enabled: false, delaySeconds: 2 });
    expect(parseSimConfig('loadBalancer: {delaySeconds: 0.5}').loadBalancer).toEqual({ enabled: true, delaySeconds: 0.5 });
  });

  it('simConfigFrom validates an object config (startSim({config: {...}})) and fills defaults', () => {
    expect(simConfigFrom({ images: [{ match: 'a*', pull: 'missing' }] })).toEqual({ ...defaultSimConfig(), images: [{ match: 'a*', pull: 'missing' }] });
    expect(() => simConfigFrom({ nodes: [{ name: 'n', cpu: 'x' }] }, 'startSim config')).toThrow('startSim config: nodes[0].cpu: expected a quantity like "4" or "500m", got "x"');
  });

  it('loadSimConfig names the file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simcfg-'));
    const file = join(dir, 'sim.yaml');
    writeFileSync(file, 'nodes: [{name: n1, cpu: 2}]\n');
    expect(loadSimConfig(file).nodes[0]).toMatchObject({ name: 'n1', cpu: '2', memory: '8Gi' });
    writeFileSync(file, 'timeScale: fast\n');
    expect(() => loadSimConfig(file)).toThrow(`${file}: timeScale: expected a number > 0`);
    expect(() => loadSimConfig(join(dir, 'nope.yaml'))).toThrow(`cannot read sim config ${join(dir, 'nope.yaml')}: no such file`);
  });
});

describe('ensureNodes', () => {
  it('creates Node objects with status once, idempotently', () => {
    const clock = new ManualClock();
    const store = createMemoryStore({ clock });
    ensureNodes(store, defaultSimConfig(), clock.now());
    ensureNodes(store, defaultSimConfig(), clock.now());
    const nodes = store.list('nodes').items;
    expect(nodes.map((n) => n.metadata.name)).toEqual(['sim-node-1', 'sim-node-2', 'sim-node-3']);
    const n1 = nodes[0] as any;
    expect(n1.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': 'sim-node-1', 'kubernetes.io/os': 'linux' });
    expect(n1.spec.podCIDR).toBe('10.244.0.0/24');
    expect(n1.status.allocatable).toEqual({ cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' });
    expect(n1.status.capacity).toEqual(n1.status.allocatable);
    expect(n1.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(n1.status.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0', containerRuntimeVersion: 'containerd://1.7.24', operatingSystem: 'linux' });
    expect(n1.status.addresses).toEqual([
      { type: 'InternalIP', address: '192.168.49.2' },
      { type: 'Hostname', address: 'sim-node-1' },
    ]);
  });
});
