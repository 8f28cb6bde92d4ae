/**
 * Shared pieces of the workload e2e tests: charts, waiting on the simulator's store events (never sleeping),
 * and reading helm's release records.
 */
import type { KubeObject } from '../../../src/sim/store/types.js';
import type { RunResult, TestSim } from '../helpers.js';

/** A loose JSON object, for reading statuses. */
export type Json = Record<string, any>;

/** stdout of a successful run; throws with both streams otherwise. */
export function ok(r: RunResult): string {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** stderr of a failed run; throws with both streams when it succeeded. */
export function failed(r: RunResult): string {
  if (r.code === 0) throw new Error(`expected a failure, got exit 0\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stderr;
}

/**
 * Resolves with `probe()`'s first non-undefined value, checking now and after every store change (an event,
 * not a poll); rejects after `timeoutMs` of real time naming `what` and the last value seen by `describe`.
 */
export function until<T>(sim: TestSim, what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    let unsubscribe: () => void = () => undefined;
    const finish = (fn: () => void) => {
      done = true;
      clearTimeout(timer);
      unsubscribe();
      fn();
    };
    const check = () => {
      if (done) return;
      let value: T | undefined;
      try {
        value = probe();
      } catch (e) {
        finish(() => reject(e as Error));
        return;
      }
      if (value !== undefined) finish(() => resolve(value as T));
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
    unsubscribe = sim.store.subscribe(() => check());
    check();
  });
}

/** Pods in `default` with label app=`app`. */
export function podsOf(sim: TestSim, app: string): KubeObject[] {
  return sim.store.list('pods', { namespace: 'default', labelSelector: `app=${app}` }).items;
}

/** A condition of an object's status. */
export function condition(o: KubeObject | undefined, type: string): Json | undefined {
  return ((o?.status as Json | undefined)?.conditions as Json[] | undefined)?.find((c) => c.type === type);
}

/** `revision status` of each of helm's release Secrets for `release`, sorted by revision. */
export function releaseRecords(sim: TestSim, release: string): string[] {
  return sim.store
    .list('secrets', { namespace: 'default', labelSelector: `owner=helm,name=${release}` })
    .items.map((s) => [Number(s.metadata.labels?.version), s.metadata.labels?.status] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([v, st]) => `${v} ${st}`);
}

/**
 * Runs `fn` while evaluating `measure()` after every store change; returns the smallest and largest values seen
 * (including before and after), so tests can check invariants that must hold throughout a rollout.
 */
export async function extremesDuring(sim: TestSim, measure: () => number, fn: () => Promise<void>): Promise<{ min: number; max: number }> {
  let min = measure();
  let max = min;
  const unsubscribe = sim.store.subscribe(() => {
    const v = measure();
    min = Math.min(min, v);
    max = Math.max(max, v);
  });
  try {
    await fn();
  } finally {
    unsubscribe();
  }
  const last = measure();
  return { min: Math.min(min, last), max: Math.max(max, last) };
}

/** Milliseconds a promise takes, with its value. */
export async function timed<T>(p: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await p();
  return { value, ms: Date.now() - start };
}

/**
 * A chart of one Deployment (label app=<release>) and a Service. Values: image, replicas,
 * progressDeadlineSeconds, memory (a request), configMapRef (an env var from a ConfigMap key `k`).
 */
export const webChart: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'values.yaml': 'image: nginx:1.27\nreplicas: 2\nprogressDeadlineSeconds: 600\nmemory: ""\nconfigMapRef: ""\n',
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  progressDeadlineSeconds: {{ .Values.progressDeadlineSeconds }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
      - name: app
        image: {{ .Values.image }}
        ports: [{containerPort: 80}]
        # As real charts do: without a probe a crash-looping container counts as ready for the ~2 s before it
        # exits, and helm 4's watcher can catch that moment and call the rollout done.
        readinessProbe:
          httpGet: {path: /, port: 80}
          initialDelaySeconds: 3
          periodSeconds: 2
        {{- with .Values.memory }}
        resources:
          requests: {memory: {{ . }}}
        {{- end }}
        {{- with .Values.configMapRef }}
        env:
        - name: FROM_CONFIG
          valueFrom:
            configMapKeyRef: {name: {{ . }}, key: k}
        {{- end }}
`,
  'templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector: {app: {{ .Release.Name }}}
  ports: [{port: 80, targetPort: 80}]
`,
};
