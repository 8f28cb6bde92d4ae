import { behaviourForImage, type SimConfig } from '../../../src/sim/config.js';
import { handlePod, initPod, type ConfigLookup, type Effect, type MachineInput, type PodRuntime, type PodView, type Timer } from '../../../src/sim/kubelet/machine.js';
import { podStatus } from '../../../src/sim/kubelet/status.js';

/** Wall-clock origin of simulated runs: simulated ms 0 is this instant. */
export const T0 = Date.parse('2026-01-01T00:00:00Z');

/** `T0 + ms` as the kubelet writes it (second precision). */
export function at(ms: number): string {
  return new Date(T0 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A recorded event with the simulated time it happened at. */
export type TimedEvent = Extract<Effect, { type: 'event' }> & { at: number };

/**
 * Drives the pure kubelet machine through simulated time without a store: timers in a queue, events collected,
 * status projected after every step (so lastTransitionTime behaves as when written to a store).
 */
export class PodSimulation {
  simMs = 0;
  runtime!: PodRuntime;
  status: Record<string, unknown> | undefined;
  readonly events: TimedEvent[] = [];
  readonly images = new Set<string>();
  removed = false;
  private queue: Array<{ at: number; seq: number; timer: Timer }> = [];
  private seq = 0;
  configMaps = new Map<string, Set<string>>();
  secrets = new Map<string, Set<string>>();

  constructor(
    public pod: PodView,
    readonly config: Pick<SimConfig, 'images' | 'pullSeconds'> = { images: [], pullSeconds: 0.8 },
  ) {
    this.apply(initPod(pod, { name: 'sim-node-1', hostIP: '192.168.49.2' }, '10.244.0.5', (image) => behaviourForImage(image, this.config), this.ctx()));
  }

  private lookup: ConfigLookup = (kind, namespace, name) => (kind === 'ConfigMap' ? this.configMaps : this.secrets).get(`${namespace}/${name}`);

  private ctx() {
    return { simMs: this.simMs, now: new Date(T0 + this.simMs), lookup: this.lookup, imagePresent: (i: string) => this.images.has(i) };
  }

  private apply(step: { runtime: PodRuntime; effects: Effect[] }): void {
    this.runtime = step.runtime;
    for (const e of step.effects) {
      if (e.type === 'timer') this.queue.push({ at: this.simMs + e.afterMs, seq: this.seq++, timer: e.timer });
      else if (e.type === 'event') this.events.push({ ...e, at: this.simMs });
      else if (e.type === 'pulled') this.images.add(e.image);
      else this.removed = true;
    }
    this.status = podStatus(this.pod.spec, this.runtime, this.status, new Date(T0 + this.simMs));
  }

  /** Feeds an input now. */
  input(input: MachineInput): void {
    this.apply(handlePod(this.pod, this.runtime, input, this.ctx()));
  }

  /** Fires every timer due up to `ms` (simulated, absolute), in order. */
  runUntil(ms: number): this {
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > ms) break;
      this.queue.shift();
      this.simMs = next.at;
      this.input({ type: 'timer', timer: next.timer });
    }
    this.simMs = ms;
    return this;
  }

  /** Runs until `predicate` holds (checked after each step) or `limitMs` passes; returns the time it held. */
  runUntilTrue(predicate: () => boolean, limitMs = 3_600_000): number {
    while (!predicate()) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > limitMs) throw new Error(`condition not reached by ${limitMs} ms (t=${this.simMs})`);
      this.queue.shift();
      this.simMs = next.at;
      this.input({ type: 'timer', timer: next.timer });
    }
    return this.simMs;
  }

  containerStatus(index = 0): Record<string, any> {
    return (this.status!.containerStatuses as Array<Record<string, any>>)[index];
  }

  condition(type: string): Record<string, any> | undefined {
    return (this.status!.conditions as Array<Record<string, any>>).find((c) => c.type === type);
  }

  /** `reason: message` of every event so far. */
  eventLines(): string[] {
    return this.events.map((e) => `${e.warning ? 'Warning' : 'Normal'} ${e.reason}: ${e.message}`);
  }
}

/** A one-container pod. */
export function podWith(image: string, options: { restartPolicy?: string; container?: Record<string, unknown>; spec?: Record<string, unknown> } = {}): PodView {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: {
      nodeName: 'sim-node-1',
      restartPolicy: options.restartPolicy ?? 'Always',
      containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent', ...(options.container ?? {}) }],
      ...(options.spec ?? {}),
    } as PodView['spec'],
  };
}
