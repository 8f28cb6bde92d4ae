import { manifestObjects } from '../manifest/workloads.js';
import type { Release } from '../release/release.js';
import { containersOf, list, metaOf, podSpecOf, record } from './pod-spec.js';
import type { GuardFinding } from './types.js';

/** A ConfigMap or Secret a workload reads. */
export interface ConfigRef {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  namespace: string;
  /** The workload reading it, `Kind/name`. */
  by: string;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

/**
 * The ConfigMaps and Secrets the workloads of a manifest read: env `valueFrom` (configMapKeyRef, secretKeyRef),
 * `envFrom` (configMapRef, secretRef), volumes (configMap, secret) and projected volume sources. One entry per
 * object and reader, in manifest order.
 */
export function configReferences(manifest: string, defaultNamespace: string): ConfigRef[] {
  const refs: ConfigRef[] = [];
  const seen = new Set<string>();
  for (const obj of manifestObjects(manifest)) {
    if (typeof obj.kind !== 'string' || !WORKLOAD_KINDS.has(obj.kind)) continue;
    const spec = podSpecOf(obj);
    if (!spec) continue;
    const meta = metaOf(obj);
    const namespace = meta.namespace ?? defaultNamespace;
    const by = `${obj.kind}/${meta.name}`;
    const add = (kind: ConfigRef['kind'], name: unknown) => {
      if (typeof name !== 'string' || name === '') return;
      const key = `${kind}/${namespace}/${name}/${by}`;
      if (seen.has(key)) return;
      seen.add(key);
      refs.push({ kind, name, namespace, by });
    };
    for (const c of containersOf(spec)) {
      for (const e of list(c.env)) {
        const from = record(e.valueFrom);
        add('ConfigMap', record(from?.configMapKeyRef)?.name);
        add('Secret', record(from?.secretKeyRef)?.name);
      }
      for (const e of list(c.envFrom)) {
        add('ConfigMap', record(e.configMapRef)?.name);
        add('Secret', record(e.secretRef)?.name);
      }
    }
    for (const v of list(spec.volumes)) {
      add('ConfigMap', record(v.configMap)?.name);
      add('Secret', record(v.secret)?.secretName);
      for (const s of list(record(v.projected)?.sources)) {
        add('ConfigMap', record(s.configMap)?.name);
        add('Secret', record(s.secret)?.name);
      }
    }
  }
  return refs;
}

/** Input of {@link configDriftFindings}. */
export interface ConfigDriftInput {
  /** The rollback target, decoded. */
  target: Release;
  /** Every other decoded revision of the release available (at least the ones the rollback crosses). */
  others: readonly Release[];
}

/**
 * Config drift: ConfigMaps/Secrets the target's workloads read that no revision of the release manages are
 * not reverted by the rollback (`warn`, by name); ones that a newer revision manages but the target does not
 * are deleted by it (`warn`). Names only: never any content.
 */
export function configDriftFindings(input: ConfigDriftInput): GuardFinding[] {
  const { target } = input;
  const ns = target.namespace;
  const managedBy = (rel: Release) => new Set(
    manifestObjects(rel.manifest)
      .filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret')
      .map((o) => `${o.kind as string}/${metaOf(o).namespace ?? ns}/${metaOf(o).name}`),
  );
  const inTarget = managedBy(target);
  const elsewhere = new Set(input.others.flatMap((rel) => [...managedBy(rel)]));
  // The revision the cluster holds now: what it manages and the target does not, the rollback deletes.
  const current = input.others.reduce<Release | undefined>((m, r) => (m === undefined || r.revision > m.revision ? r : m), undefined);
  const inCurrent = current && current.revision > target.revision ? managedBy(current) : new Set<string>();

  const external = new Map<string, Set<string>>();
  const dropped = new Map<string, { revision: number; readers: Set<string> }>();
  for (const ref of configReferences(target.manifest, ns)) {
    const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
    if (inTarget.has(key)) continue;
    if (!elsewhere.has(key)) external.set(key, (external.get(key) ?? new Set()).add(ref.by));
    else if (current && inCurrent.has(key)) {
      const d = dropped.get(key) ?? { revision: current.revision, readers: new Set<string>() };
      d.readers.add(ref.by);
      dropped.set(key, d);
    }
  }
  const label = (key: string) => {
    const [kind, namespace, name] = key.split('/') as [string, string, string];
    return namespace === ns ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
  };
  const findings: GuardFinding[] = [];
  if (external.size > 0) {
    const names = [...external.keys()].map(label);
    const readers = [...new Set([...external.values()].flatMap((s) => [...s]))];
    findings.push({
      guard: 'config-drift',
      severity: 'warn',
      message: `not reverted by this rollback: ${names.join(', ')} (read by ${readers.join(', ')}) ${names.length === 1 ? 'is' : 'are'} not managed by any revision of the release; if ${names.length === 1 ? 'it' : 'they'} changed, revision ${target.revision} runs with the new content`,
      objects: names,
      fix: 'restore the old content from where it is managed (Git, the tool that created it) if it changed since',
    });
  }
  for (const [key, d] of dropped) {
    findings.push({
      guard: 'config-drift',
      severity: 'warn',
      message: `${label(key)} is read by ${[...d.readers].join(', ')} of revision ${target.revision} but managed only by revision ${d.revision}, not by the target: the rollback deletes it`,
      objects: [label(key)],
      fix: `create it outside the release before rolling back, or pick a revision that manages it`,
    });
  }
  return findings;
}
