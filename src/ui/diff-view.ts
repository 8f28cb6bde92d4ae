import { Chalk } from 'chalk';
import { renderDiffLines, type DiffLineKind, type ReleaseDiff } from '../domain/diff/index.js';

/** `diff -o json`: per object, per field (path, old, new); secrets as their size unless shown. */
export function diffJson(diff: ReleaseDiff) {
  return {
    release: diff.release,
    namespace: diff.namespace,
    from: diff.from,
    to: diff.to,
    changed: diff.changed,
    values: diff.values,
    objects: diff.objects.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace, name: o.name, change: o.change, fields: o.fields })),
    unchangedObjects: diff.unchangedObjects,
    warnings: diff.warnings,
  };
}

/** The JSON document of `diff -o json` / `--json`. */
export type DiffJson = ReturnType<typeof diffJson>;

/** Colour of each kind of diff line (shared with the picker). */
export const diffLineColors: Record<DiffLineKind, string | undefined> = {
  object: 'yellow',
  hunk: 'cyan',
  context: undefined,
  remove: 'red',
  add: 'green',
  note: 'gray',
};

/** `diff -o diff`: a title line, then the unified diff with a header per object; coloured when asked. */
export function renderDiffText(diff: ReleaseDiff, color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const side = (s: ReleaseDiff['from']) => `revision ${s.revision}${s.chart ? ` (${s.chart}${s.appVersion ? `, app ${s.appVersion}` : ''})` : ''}`;
  const out = [chalk.bold(`${diff.release}: ${side(diff.from)} -> ${side(diff.to)}`)];
  for (const line of renderDiffLines(diff)) {
    const c = diffLineColors[line.kind];
    const text = line.kind === 'object' ? `=== ${line.text}` : line.text;
    out.push(c ? chalk[c as 'red'](text) : text);
  }
  return out.join('\n');
}

/** The stderr summary line. */
export function renderDiffSummary(diff: ReleaseDiff): string {
  const counts = (['changed', 'added', 'removed'] as const)
    .map((c) => [c, diff.objects.filter((o) => o.change === c).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${c}`);
  if (!diff.changed) return `revisions ${diff.from.revision} and ${diff.to.revision} do not differ (${diff.unchangedObjects} objects, values)`;
  const values = diff.values.length ? `${diff.values.length} value${diff.values.length === 1 ? '' : 's'} changed` : 'values unchanged';
  return `${values}; objects: ${counts.length ? counts.join(', ') : 'none changed'}, ${diff.unchangedObjects} unchanged`;
}
