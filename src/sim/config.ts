import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { rbacUsersFrom } from './auth/index.js';
import { parseImage } from './kubelet/images.js';
import { parseQuantity } from './scheduler/resources.js';
import type { KubeObject, ObjectStore } from './store/types.js';

/** A node taint, as in core/v1 Taint. */
export interface SimTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** One simulated node. */
export interface SimNodeConfig {
  name: string;
  /** Allocatable cpu as a quantity (`4`, `3500m`). */
  cpu: string;
  /** Allocatable memory as a quantity (`8Gi`). */
  memory: string;
  /** Maximum pods (default 110). */
  pods: number;
  labels?: Record<string, string>;
  taints?: SimTaint[];
}

/**
 * A rule scripting what containers running a matching image do. Fields left out keep the built-in convention
 * for that image (see `behaviourForImage`).
 */
export interface SimImageRule {
  /** Glob over the image reference as written in the pod spec: `*` any run of characters, `?` one character. */
  match: string;
  /** `ok` pulls, `missing` fails with ErrImagePull then ImagePullBackOff, `invalid` gives InvalidImageName. */
  pull?: 'ok' | 'missing' | 'invalid';
  /** Exit code the container ends with after `exitAfter` seconds (default 1 when only exitAfter is given). */
  exitCode?: number;
  /** Seconds after start until the container exits (default 2 when only exitCode is given). */
  exitAfter?: number;
  /** Seconds after start until readiness passes (default 0). */
  readyAfter?: number;
  /** false: readiness never passes (default true). */
  ready?: boolean;
  /** `fail`: liveness probes fail once the container is ready to be probed (default `pass`). */
  liveness?: 'pass' | 'fail';
  /** Memory the container uses (quantity). Above its memory limit it is OOMKilled after `exitAfter` (default 1 s). */
  memory?: string;
  /** true: the container is OOMKilled (exit 137) after `exitAfter` seconds (default 2). */
  oom?: boolean;
  /** Seconds an image pull takes (default: 0.5-1 s, stable per image). */
  pullSeconds?: number;
}

/** The simulator's configuration (`--config FILE`). */
export interface SimConfig {
  nodes: SimNodeConfig[];
  images: SimImageRule[];
  /** Seconds an image pull takes unless a rule says otherwise (default: 0.5-1 s, stable per image). */
  pullSeconds?: number;
  /** Speed-up factor for every simulated duration (default 1; `--time-scale` overrides). */
  timeScale?: number;
  /** Fault spec for the fault injector, passed through unparsed (`--faults` overrides). */
  faults?: unknown;
  /** The load-balancer controller giving Services of type LoadBalancer an ingress address. */
  loadBalancer: SimLoadBalancerConfig;
  /** Authentication and RBAC: true, or {users: [{name, groups, auth: cert|token}]} (`--rbac` turns it on). */
  rbac?: unknown;
}

/** `loadBalancer:` in the config. */
export interface SimLoadBalancerConfig {
  /** false: no controller, LoadBalancer Services stay `<pending>` (default true). */
  enabled: boolean;
  /** Simulated seconds until a Service gets its address (default 2; scaled by the time scale). */
  delaySeconds: number;
}

/** A bad configuration; the message is one line naming the file and field. */
export class SimConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimConfigError';
  }
}

/** Three nodes `sim-node-1..3`, each 4 cpu, 8Gi memory, 110 pods; no image rules. */
export function defaultSimConfig(): SimConfig {
  return {
    nodes: [1, 2, 3].map((n) => ({ name: `sim-node-${n}`, cpu: '4', memory: '8Gi', pods: 110 })),
    images: [],
    loadBalancer: { enabled: true, delaySeconds: 2 },
  };
}

const nodeKeys = new Set(['name', 'cpu', 'memory', 'pods', 'labels', 'taints']);
const imageKeys = new Set(['match', 'pull', 'exitCode', 'exitAfter', 'readyAfter', 'ready', 'liveness', 'memory', 'oom', 'pullSeconds']);
const topKeys = new Set(['nodes', 'images', 'pullSeconds', 'timeScale', 'faults', 'loadBalancer', 'rbac']);
const loadBalancerKeys = new Set(['enabled', 'delaySeconds']);

/**
 * Parses a YAML configuration. Absent sections keep the defaults (no `nodes:` gives the three default nodes).
 * Throws SimConfigError with a one-line message for anything malformed.
 */
export function parseSimConfig(text: string, source = 'sim config'): SimConfig {
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (e) {
    const reason = e instanceof yaml.YAMLException ? e.reason : String(e);
    const line = e instanceof yaml.YAMLException && e.mark ? ` (line ${e.mark.line + 1})` : '';
    throw new SimConfigError(`${source}: not valid YAML: ${reason}${line}`);
  }
  return simConfigFrom(doc, source);
}

/**
 * Validates a configuration given as an object (the parsed YAML, or `startSim({config: {...}})`) and fills in the
 * defaults. Throws SimConfigError with a one-line message for anything malformed.
 */
export function simConfigFrom(doc: unknown, source = 'sim config'): SimConfig {
  if (doc === undefined || doc === null) return defaultSimConfig();
  const fail = (path: string, what: string): never => {
    throw new SimConfigError(`${source}: ${path}: ${what}`);
  };
  if (!isRecord(doc)) fail('top level', 'expected a mapping with nodes: and images:');
  const top = doc as Record<string, unknown>;
  for (const k of Object.keys(top)) if (!topKeys.has(k)) fail(k, `unknown field (known: ${[...topKeys].join(', ')})`);
  const config = defaultSimConfig();

  if (top.nodes !== undefined) {
    if (!Array.isArray(top.nodes) || top.nodes.length === 0) fail('nodes', 'expected a non-empty list of nodes');
    const names = new Set<string>();
    config.nodes = (top.nodes as unknown[]).map((raw, i) => {
      const at = `nodes[${i}]`;
      if (!isRecord(raw)) return fail(at, 'expected a mapping with name, cpu, memory');
      for (const k of Object.keys(raw)) if (!nodeKeys.has(k)) fail(`${at}.${k}`, 'unknown field');
      const name = raw.name;
      if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) fail(`${at}.name`, `expected a DNS name, got ${JSON.stringify(name)}`);
      if (names.has(name as string)) fail(`${at}.name`, `duplicate node name "${name}"`);
      names.add(name as string);
      const cpu = quantityField(raw.cpu ?? '4', `${at}.cpu`, fail, '"4" or "500m"');
      const memory = quantityField(raw.memory ?? '8Gi', `${at}.memory`, fail, '"8Gi" or "512Mi"');
      const pods = raw.pods ?? 110;
      if (!Number.isInteger(pods) || (pods as number) < 1) fail(`${at}.pods`, `expected a positive integer, got ${JSON.stringify(pods)}`);
      const node: SimNodeConfig = { name: name as string, cpu, memory, pods: pods as number };
      if (raw.labels !== undefined) {
        if (!isRecord(raw.labels) || Object.values(raw.labels).some((v) => typeof v !== 'string')) fail(`${at}.labels`, 'expected a mapping of strings');
        node.labels = { ...(raw.labels as Record<string, string>) };
      }
      if (raw.taints !== undefined) {
        if (!Array.isArray(raw.taints)) fail(`${at}.taints`, 'expected a list of {key, value, effect}');
        node.taints = (raw.taints as unknown[]).map((t, j) => {
          const tat = `${at}.taints[${j}]`;
          if (!isRecord(t) || typeof t.key !== 'string' || !t.key) return fail(tat, 'expected {key, value, effect}');
          if (!['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect as string)) fail(`${tat}.effect`, 'expected NoSchedule, PreferNoSchedule or NoExecute');
          if (t.value !== undefined && typeof t.value !== 'string') fail(`${tat}.value`, 'expected a string');
          return { key: t.key, ...(t.value !== undefined ? { value: t.value as string } : {}), effect: t.effect as SimTaint['effect'] };
        });
      }
      return node;
    });
  }

  if (top.images !== undefined) {
    if (!Array.isArray(top.images)) fail('images', 'expected a list of rules with match:');
    config.images = (top.images as unknown[]).map((raw, i) => {
      const at = `images[${i}]`;
      if (!isRecord(raw)) return fail(at, 'expected a mapping with match:');
      for (const k of Object.keys(raw)) if (!imageKeys.has(k)) fail(`${at}.${k}`, `unknown field (known: ${[...imageKeys].join(', ')})`);
      if (typeof raw.match !== 'string' || !raw.match) fail(`${at}.match`, 'expected a glob such as "registry.example.com/*"');
      const rule: SimImageRule = { match: raw.match as string };
      if (raw.pull !== undefined) {
        if (!['ok', 'missing', 'invalid'].includes(raw.pull as string)) fail(`${at}.pull`, 'expected ok, missing or invalid');
        rule.pull = raw.pull as SimImageRule['pull'];
      }
      if (raw.exitCode !== undefined) {
        if (!Number.isInteger(raw.exitCode) || (raw.exitCode as number) < 0 || (raw.exitCode as number) > 255) fail(`${at}.exitCode`, 'expected an integer 0-255');
        rule.exitCode = raw.exitCode as number;
      }
      for (const k of ['exitAfter', 'readyAfter', 'pullSeconds'] as const) {
        if (raw[k] !== undefined) {
          if (typeof raw[k] !== 'number' || !((raw[k] as number) >= 0)) fail(`${at}.${k}`, 'expected a number of seconds >= 0');
          rule[k] = raw[k] as number;
        }
      }
      for (const k of ['ready', 'oom'] as const) {
        if (raw[k] !== undefined) {
          if (typeof raw[k] !== 'boolean') fail(`${at}.${k}`, 'expected true or false');
          rule[k] = raw[k] as boolean;
        }
      }
      if (raw.liveness !== undefined) {
        if (raw.liveness !== 'pass' && raw.liveness !== 'fail') fail(`${at}.liveness`, 'expected pass or fail');
        rule.liveness = raw.liveness as 'pass' | 'fail';
      }
      if (raw.memory !== undefined) rule.memory = quantityField(raw.memory, `${at}.memory`, fail, '"512Mi"');
      return rule;
    });
  }

  if (top.pullSeconds !== undefined) {
    if (typeof top.pullSeconds !== 'number' || !(top.pullSeconds >= 0)) fail('pullSeconds', 'expected a number of seconds >= 0');
    config.pullSeconds = top.pullSeconds as number;
  }
  if (top.timeScale !== undefined) {
    if (typeof top.timeScale !== 'number' || !(top.timeScale > 0)) fail('timeScale', 'expected a number > 0');
    config.timeScale = top.timeScale as number;
  }
  if (top.faults !== undefined) config.faults = top.faults;
  if (top.rbac !== undefined) {
    try {
      rbacUsersFrom(top.rbac, source);
    } catch (err) {
      throw new SimConfigError((err as Error).message);
    }
    config.rbac = top.rbac;
  }
  if (top.loadBalancer !== undefined) {
    const lb = top.loadBalancer;
    if (!isRecord(lb)) fail('loadBalancer', 'expected a mapping such as {enabled: false}');
    const raw = lb as Record<string, unknown>;
    for (const k of Object.keys(raw)) if (!loadBalancerKeys.has(k)) fail(`loadBalancer.${k}`, `unknown field (known: ${[...loadBalancerKeys].join(', ')})`);
    if (raw.enabled !== undefined) {
      if (typeof raw.enabled !== 'boolean') fail('loadBalancer.enabled', 'expected true or false');
      config.loadBalancer.enabled = raw.enabled as boolean;
    }
    if (raw.delaySeconds !== undefined) {
      if (typeof raw.delaySeconds !== 'number' || !(raw.delaySeconds >= 0)) fail('loadBalancer.delaySeconds', 'expected a number of seconds >= 0');
      config.loadBalancer.delaySeconds = raw.delaySeconds as number;
    }
  }
  return config;
}

/** Reads and parses a configuration file (synchronously: it runs once at start-up); errors name the file. */
export function loadSimConfig(path: string): SimConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const reasons: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a directory' };
    throw new SimConfigError(`cannot read sim config ${path}: ${reasons[code] ?? (code || (e as Error).message)}`);
  }
  return parseSimConfig(text, path);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function quantityField(v: unknown, path: string, fail: (p: string, w: string) => never, example: string): string {
  const text = typeof v === 'number' ? String(v) : v;
  if (typeof text !== 'string' || parseQuantity(text) === undefined) fail(path, `expected a quantity like ${example}, got ${JSON.stringify(v)}`);
  return text as string;
}

// ---------------------------------------------------------------------------------------------------------------
// Image behaviours

/** What a container running an image does, resolved from the conventions and the config rules. */
export interface ImageBehaviour {
  /** Pull outcome. */
  pull: 'ok' | 'missing' | 'invalid';
  /** Seconds the pull takes. */
  pullSeconds: number;
  /**
   * How a long-running container ends by itself, if it does: exit code, seconds after start, and whether the
   * kernel OOM-killed it (exit 137, reason OOMKilled). Undefined: runs until stopped.
   */
  exit?: { code: number; afterSeconds: number; oom: boolean };
  /** How a run-to-completion container (init containers, restartPolicy Never/OnFailure) ends. */
  completion: { code: number; afterSeconds: number; oom: boolean };
  /** Seconds after start until readiness passes; null: never. */
  readyAfterSeconds: number | null;
  /** Liveness probes fail. */
  livenessFails: boolean;
  /** Memory used, in bytes, when a rule says so. */
  memoryBytes?: number;
}

/** Seconds until a run-to-completion container finishes by default. */
export const COMPLETION_SECONDS = 2;

/**
 * Resolves what containers running `image` do. Built-in conventions on the reference come first:
 * `missing` -> ErrImagePull then ImagePullBackOff; `crash-after-<N>s` -> healthy N s, then exits 1;
 * `slow-start-<N>s` -> ready after N s; `crashloop` -> exits 1 about 2 s after start; `oom` -> OOMKilled (137)
 * about 2 s after start; `unready` -> runs, readiness never passes; `fail` -> a run-to-completion container exits 1;
 * an invalid reference -> InvalidImageName; anything else pulls, becomes ready, and run-to-completion containers
 * exit 0 after about 2 s. An image pinned by digest is run by digest: its tag is ignored by the conventions
 * (`app:crashloop@sha256:...` is an ordinary image; `crashloop-app@sha256:...` still crash-loops). Then the first
 * config rule whose glob matches the reference as written overrides the fields it sets.
 */
export function behaviourForImage(image: string, config: Partial<Pick<SimConfig, 'images' | 'pullSeconds'>>): ImageBehaviour {
  const b: ImageBehaviour = {
    pull: 'ok',
    pullSeconds: config.pullSeconds ?? defaultPullSeconds(image),
    completion: { code: 0, afterSeconds: COMPLETION_SECONDS, oom: false },
    readyAfterSeconds: 0,
    livenessFails: false,
  };
  // Pinned by digest (`name:tag@sha256:...`), a real cluster pulls the digest and ignores the tag: the conventions
  // then read the name and digest only (config rules below still match the reference as written).
  const ref = parseImage(image);
  const pinned = !('error' in ref) && ref.digest !== undefined;
  const lower = (pinned ? image.replace(/:[\w][\w.-]{0,127}@/, '@') : image).toLowerCase();
  const crashAfter = /crash-after-(\d+(?:\.\d+)?)s/.exec(lower);
  const slowStart = /slow-start-(\d+(?:\.\d+)?)s/.exec(lower);
  if ('error' in ref) b.pull = 'invalid';
  else if (lower.includes('missing')) b.pull = 'missing';
  if (crashAfter) {
    b.exit = { code: 1, afterSeconds: Number(crashAfter[1]), oom: false };
    b.completion = b.exit;
  } else if (lower.includes('crashloop')) {
    b.exit = { code: 1, afterSeconds: 2, oom: false };
    b.completion = b.exit;
  } else if (lower.includes('oom')) {
    b.exit = { code: 137, afterSeconds: 2, oom: true };
    b.completion = b.exit;
  }
  if (slowStart) b.readyAfterSeconds = Number(slowStart[1]);
  if (lower.includes('unready')) b.readyAfterSeconds = null;
  if (/fail/.test(lower) && !b.exit) b.completion = { code: 1, afterSeconds: COMPLETION_SECONDS, oom: false };

  const rule = (config.images ?? []).find((r) => globMatch(r.match, image));
  if (!rule) return b;
  if (rule.pull) b.pull = rule.pull;
  if (rule.pullSeconds !== undefined) b.pullSeconds = rule.pullSeconds;
  if (rule.readyAfter !== undefined) b.readyAfterSeconds = rule.readyAfter;
  if (rule.ready === false) b.readyAfterSeconds = null;
  if (rule.ready === true && b.readyAfterSeconds === null) b.readyAfterSeconds = rule.readyAfter ?? 0;
  if (rule.liveness) b.livenessFails = rule.liveness === 'fail';
  if (rule.memory !== undefined) b.memoryBytes = parseQuantity(rule.memory);
  if (rule.oom) {
    b.exit = { code: 137, afterSeconds: rule.exitAfter ?? 2, oom: true };
    b.completion = b.exit;
  } else if (rule.exitCode !== undefined || rule.exitAfter !== undefined) {
    const code = rule.exitCode ?? 1;
    const afterSeconds = rule.exitAfter ?? COMPLETION_SECONDS;
    // exitCode 0 with no exitAfter only scripts how run-to-completion containers end.
    if (code !== 0 || rule.exitAfter !== undefined) b.exit = { code, afterSeconds, oom: false };
    else b.exit = undefined;
    b.completion = { code, afterSeconds, oom: false };
  }
  return b;
}

/** A stable pull duration between 0.5 and 1 s per image, so repeated runs look alike. */
function defaultPullSeconds(image: string): number {
  let h = 0;
  for (const ch of image) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 0.5 + (h % 500) / 1000;
}

/** Glob match: `*` any run of characters (slashes included), `?` any one character; everything else literal. */
export function globMatch(glob: string, text: string): boolean {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(text);
}

// ---------------------------------------------------------------------------------------------------------------
// Nodes

/** The InternalIP of the n-th configured node (0-based): 192.168.49.2, .3, ... */
export function nodeInternalIP(index: number): string {
  return `192.168.49.${index + 2}`;
}

/** The core/v1 Node object for the n-th configured node, status included. */
export function nodeObject(node: SimNodeConfig, index: number, now: Date): KubeObject {
  const resources = { cpu: node.cpu, memory: node.memory, pods: String(node.pods), 'ephemeral-storage': '100Gi' };
  const at = now.toISOString();
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: at,
    lastTransitionTime: at,
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        ...(node.labels ?? {}),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {
      podCIDR: `10.244.${index}.0/24`,
      podCIDRs: [`10.244.${index}.0/24`],
      ...(node.taints?.length ? { taints: node.taints.map((t) => ({ ...t })) } : {}),
    },
    status: {
      capacity: resources,
      allocatable: { ...resources },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: nodeInternalIP(index) },
        { type: 'Hostname', address: node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hex(node.name, 32),
        systemUUID: uuidFrom(node.name),
        bootID: uuidFrom(`${node.name}/boot`),
        kernelVersion: '6.8.0-sim',
        osImage: 'Ubuntu 22.04.5 LTS',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** Creates the configured nodes that do not exist yet (with their status); returns the nodes as stored. */
export function ensureNodes(store: ObjectStore, config: Partial<Pick<SimConfig, 'nodes'>>, now: Date = new Date()): KubeObject[] {
  return (config.nodes ?? defaultSimConfig().nodes).map((node, i) => {
    const existing = store.get('nodes', undefined, node.name);
    if (existing) return existing;
    const object = nodeObject(node, i, now);
    const created = store.create('nodes', object);
    // Status is written through the status subresource, as a kubelet registering its node does.
    return store.update('nodes', { ...created, status: object.status }, { subresource: 'status' });
  });
}

function hex(seed: string, length: number): string {
  let out = '';
  let h = 2166136261;
  while (out.length < length) {
    for (const ch of seed + out.length) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

function uuidFrom(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
