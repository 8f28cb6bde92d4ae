/**
 * The diff of two decoded releases: user-supplied values and rendered manifest, per object and per field,
 * with secrets masked unless asked, plus unified line rendering. Pure: used by `diff`, the picker,
 * `rollback --dry-run` and `status`.
 */
import { dump as dumpYaml } from 'js-yaml';
import type { Release } from '../release/release.js';
import { diffTrees, type FieldChange, type SecretRule } from './fields.js';
import { diffLines, unifiedHunks } from './lines.js';
import { diffManifests, type ObjectDiff } from './manifest.js';
import { byteSize, isSecretKey } from './secrets.js';

export type { FieldChange } from './fields.js';
export type { ObjectDiff, ManifestDiff } from './manifest.js';
export { diffManifests, splitManifest } from './manifest.js';
export { diffLines, unifiedHunks, type LineOp, type Hunk } from './lines.js';
export { isSecretKey, maskedText } from './secrets.js';

/** Options of {@link diffReleases}. */
export interface DiffOptions {
  /** Show secret values instead of their size (`--show-secrets`). Default false. */
  showSecrets?: boolean;
}

/** The revision on one side of a diff. */
export interface DiffSide {
  revision: number;
  /** `<chart name>-<chart version>`. */
  chart: string;
  appVersion: string;
}

/** Everything that differs from `from` to `to`. */
export interface ReleaseDiff {
  release: string;
  namespace: string;
  from: DiffSide;
  to: DiffSide;
  /** Changed leaves of the user-supplied values. */
  values: FieldChange[];
  /** Added, removed and changed objects of the manifest (unchanged ones are only counted). */
  objects: ObjectDiff[];
  unchangedObjects: number;
  /** True when values or manifest differ. */
  changed: boolean;
  warnings: string[];
  /** Both sides' values, secrets masked as in `values`, for line rendering. */
  valuesOld: unknown;
  valuesNew: unknown;
}

/** Secret leaves of helm values: any leaf under a secret-looking key (password, token, apiKey, tls.key, ...). */
export const valuesSecretRule: SecretRule = (segments, value) =>
  segments.some((s) => typeof s === 'string' && isSecretKey(s)) ? byteSize(value) : undefined;

/** Compares release `from` with release `to` (e.g. the deployed revision with a rollback target). */
export function diffReleases(from: Release, to: Release, options: DiffOptions = {}): ReleaseDiff {
  const values = diffTrees(from.values, to.values, options.showSecrets ? undefined : valuesSecretRule);
  const manifest = diffManifests(from.manifest, to.manifest, to.namespace || from.namespace, options.showSecrets);
  return {
    release: to.name,
    namespace: to.namespace,
    from: side(from),
    to: side(to),
    values: values.changes,
    objects: manifest.objects,
    unchangedObjects: manifest.unchanged,
    changed: values.changes.length > 0 || manifest.objects.length > 0,
    warnings: manifest.warnings,
    valuesOld: values.maskedOld,
    valuesNew: values.maskedNew,
  };
}

function side(r: Release): DiffSide {
  return { revision: r.revision, chart: r.chart.name ? `${r.chart.name}-${r.chart.version}` : '', appVersion: r.chart.appVersion };
}

/** The kind of a rendered diff line, for colouring: headers, hunk markers, kept, removed and added lines. */
export type DiffLineKind = 'object' | 'hunk' | 'context' | 'remove' | 'add' | 'note';

/** One rendered line. `text` carries its own prefix (`+`, `-`, ` `, `@@`), so plain output needs no colour. */
export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/** Which parts to render. */
export interface RenderOptions {
  /** Kept lines around each change; default 3. */
  context?: number;
  /** Render the values diff; default true. */
  values?: boolean;
  /** Render the manifest diff; default true. */
  manifest?: boolean;
}

/**
 * The diff as unified lines: a `values` section, then one section per object headed `Kind namespace/name`,
 * each made of `@@` hunks over the (masked) YAML. Nothing secret is in any line unless the diff was made with
 * `showSecrets`.
 */
export function renderDiffLines(diff: ReleaseDiff, options: RenderOptions = {}): DiffLine[] {
  const context = options.context ?? 3;
  const out: DiffLine[] = [];
  if (options.values !== false && diff.values.length > 0) {
    out.push({ kind: 'object', text: `values (revision ${diff.from.revision} -> ${diff.to.revision})` });
    pushHunks(out, toYaml(diff.valuesOld), toYaml(diff.valuesNew), context);
  }
  if (options.manifest !== false) {
    for (const o of diff.objects) {
      out.push({ kind: 'object', text: `${o.kind} ${o.namespace}/${o.name} (${o.change})` });
      const raw = o.newText !== undefined || o.oldText !== undefined;
      const oldLines = raw ? textLines(o.oldText) : toYaml(o.oldObject);
      const newLines = raw ? textLines(o.newText) : toYaml(o.newObject);
      pushHunks(out, oldLines, newLines, context);
    }
  }
  return out;
}

function pushHunks(out: DiffLine[], oldText: string[], newText: string[], context: number): void {
  for (const hunk of unifiedHunks(diffLines(oldText, newText), context)) {
    out.push({ kind: 'hunk', text: hunk.header });
    for (const l of hunk.lines) {
      out.push({ kind: l.op === '+' ? 'add' : l.op === '-' ? 'remove' : 'context', text: `${l.op}${l.text}` });
    }
  }
}

function textLines(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split('\n');
}

function toYaml(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) return [];
  return dumpYaml(value, { lineWidth: -1, noRefs: true }).replace(/\n$/, '').split('\n');
}

/** One line per changed field: `~ path: old -> new`, `+ path: new`, `- path: old` (masked values as their size). */
export function renderFieldLines(changes: readonly FieldChange[]): string[] {
  return changes.map((c) => {
    const show = (v: unknown) => (c.masked ? String(v) : JSON.stringify(v));
    if (!('old' in c)) return `+ ${c.path}: ${c.masked ? 'added ' : ''}${show(c.new)}`;
    if (!('new' in c)) return `- ${c.path}: ${c.masked ? 'removed ' : ''}${show(c.old)}`;
    return c.masked ? `~ ${c.path}: changed ${show(c.new)}` : `~ ${c.path}: ${show(c.old)} -> ${show(c.new)}`;
  });
}
