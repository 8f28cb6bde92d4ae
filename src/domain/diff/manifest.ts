/**
 * Per-object comparison of two rendered helm manifests. Documents whose text is identical on both sides are
 * matched without being parsed (the common case: a 2 MB manifest where one Deployment changed), so the cost
 * is one split and one hash lookup per document plus YAML parsing of only the documents that differ.
 */
import { load as loadYaml } from 'js-yaml';
import { diffTrees, type FieldChange, type SecretRule } from './fields.js';
import { base64Size, byteSize, isSecretKey } from './secrets.js';

/** What happened to one object between the two manifests. */
export interface ObjectDiff {
  apiVersion: string;
  kind: string;
  /** The object's namespace, or the release namespace when the manifest leaves it out. */
  namespace: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  fields: FieldChange[];
  /** The object as before / after, secrets masked unless shown; undefined on the side where it is absent. */
  oldObject?: unknown;
  newObject?: unknown;
  /**
   * The documents as rendered by helm, set only when nothing in the object is masked: line rendering uses them
   * as they are (cheaper and truer than re-serialising the parsed object).
   */
  oldText?: string;
  newText?: string;
}

/** Result of {@link diffManifests}. */
export interface ManifestDiff {
  objects: ObjectDiff[];
  unchanged: number;
  /** One line per document that is not valid YAML (left out of the diff). */
  warnings: string[];
}

interface Parsed {
  key: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  object: Record<string, unknown>;
  text: string;
}

/** Splits a manifest into its YAML documents (helm joins them with `---` lines). */
export function splitManifest(manifest: string): string[] {
  return manifest
    .split(/^---[ \t]*(?:#.*)?$/m)
    .map((d) => d.trim())
    .filter((d) => d.length > 0);
}

/**
 * Compares the objects of two manifests by identity (API group, kind, namespace, name). Secret `data` and
 * `stringData`, env values whose name looks secret and ConfigMap entries under secret-looking keys are masked
 * unless `showSecrets`.
 */
export function diffManifests(oldManifest: string, newManifest: string, namespace: string, showSecrets = false): ManifestDiff {
  const oldDocs = splitManifest(oldManifest);
  const newDocs = splitManifest(newManifest);
  const counts = new Map<string, number>();
  for (const d of oldDocs) counts.set(d, (counts.get(d) ?? 0) + 1);
  let unchanged = 0;
  const onlyNew: string[] = [];
  for (const d of newDocs) {
    const n = counts.get(d) ?? 0;
    if (n > 0) {
      counts.set(d, n - 1);
      unchanged++;
    } else onlyNew.push(d);
  }
  const onlyOld: string[] = [];
  for (const d of oldDocs) {
    const n = counts.get(d) ?? 0;
    if (n > 0) {
      counts.set(d, n - 1);
      onlyOld.push(d);
    }
  }
  const warnings: string[] = [];
  const left = parseAll(onlyOld, namespace, 'old', warnings);
  const right = parseAll(onlyNew, namespace, 'new', warnings);
  const rule = showSecrets ? undefined : manifestSecretRule;
  const objects: ObjectDiff[] = [];
  for (const r of right.values()) {
    const l = left.get(r.key);
    const base = { apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name };
    const tree = diffTrees(l?.object, r.object, ruleFor(rule, r.kind, l?.kind));
    if (l && tree.changes.length === 0) {
      unchanged++;
      continue;
    }
    const diff: ObjectDiff = { ...base, change: l ? 'changed' : 'added', fields: tree.changes, newObject: tree.maskedNew };
    if (l) diff.oldObject = tree.maskedOld;
    if (tree.maskedNew === r.object && (!l || tree.maskedOld === l.object) && hasOwnText(r) && (!l || hasOwnText(l))) {
      diff.newText = r.text;
      if (l) diff.oldText = l.text;
    }
    objects.push(diff);
  }
  for (const l of left.values()) {
    if (right.has(l.key)) continue;
    const tree = diffTrees(l.object, undefined, ruleFor(rule, l.kind));
    const diff: ObjectDiff = {
      apiVersion: l.apiVersion, kind: l.kind, namespace: l.namespace, name: l.name,
      change: 'removed', fields: tree.changes, oldObject: tree.maskedOld,
    };
    if (tree.maskedOld === l.object && hasOwnText(l)) diff.oldText = l.text;
    objects.push(diff);
  }
  return { objects, unchanged, warnings };
}

function parseAll(docs: readonly string[], namespace: string, side: string, warnings: string[]): Map<string, Parsed> {
  const out = new Map<string, Parsed>();
  docs.forEach((doc, i) => {
    let parsed: unknown;
    try {
      parsed = loadYaml(doc);
    } catch (err) {
      warnings.push(`${side} manifest: a document is not valid YAML and was left out (${String((err as Error).message).split('\n')[0]})`);
      return;
    }
    if (!isRecord(parsed)) return;
    const items = typeof parsed.kind === 'string' && parsed.kind.endsWith('List') && Array.isArray(parsed.items) ? parsed.items.filter(isRecord) : [parsed];
    for (const object of items) {
      const meta = isRecord(object.metadata) ? object.metadata : {};
      const apiVersion = str(object.apiVersion);
      const kind = str(object.kind);
      const name = str(meta.name);
      const ns = str(meta.namespace) || namespace;
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
      let key = `${group}/${kind}/${ns}/${name}`;
      if (out.has(key)) key = `${key}#${i}`;
      // A List document's text holds several objects; only a single object's text stands for it.
      out.set(key, { key, apiVersion, kind, namespace: ns, name, object, text: object === parsed ? doc : '' });
    }
  });
  return out;
}

/** Secret leaves of a Kubernetes object: Secret data, env values named like secrets, secret-keyed ConfigMap data. */
const manifestSecretRule = (kind: string): SecretRule => (segments, value, parent) => {
  const top = segments[0];
  if (kind === 'Secret' && (top === 'data' || top === 'binaryData')) return base64Size(value);
  if (kind === 'Secret' && top === 'stringData') return byteSize(value);
  if (kind === 'ConfigMap' && top === 'data' && typeof segments[1] === 'string' && isSecretKey(segments[1])) return byteSize(value);
  const last = segments[segments.length - 1];
  if (last === 'value' && isRecord(parent) && typeof parent.name === 'string' && isSecretKey(parent.name)) return byteSize(value);
  return undefined;
};

// A Secret on either side keeps its data masked on both (a kind change must not reveal the old Secret).
function ruleFor(rule: typeof manifestSecretRule | undefined, kind: string, otherKind?: string): SecretRule | undefined {
  if (!rule) return undefined;
  const k = otherKind === 'Secret' ? 'Secret' : kind;
  return rule(k);
}

function hasOwnText(p: Parsed): boolean {
  return p.text !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
