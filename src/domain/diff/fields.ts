/**
 * Field-level comparison of two JSON-like trees (helm values, Kubernetes objects): flattened to leaf paths,
 * secrets replaced by their size, and a masked copy of each tree for line rendering. Pure.
 */
import { byteSize, maskedText } from './secrets.js';

/**
 * One changed leaf. `old` is absent for an added field, `new` for a removed one. When `masked`, `old`/`new`
 * hold only the size text ("(12 bytes)"), never the value.
 */
export interface FieldChange {
  /** `spec.template.spec.containers[0].image`, `metadata.annotations["helm.sh/hook"]`. */
  path: string;
  old?: unknown;
  new?: unknown;
  masked?: true;
}

/** Decides whether the leaf at `path` (its segments: keys and indexes) is a secret, and its size if so. */
export type SecretRule = (segments: readonly (string | number)[], value: unknown, parent: unknown) => number | undefined;

interface Leaf {
  value: unknown;
  repr: string;
  /** Size in bytes when the leaf is a secret. */
  secretBytes?: number;
}

/** Appends one segment to a display path. */
export function joinPath(path: string, segment: string | number): string {
  if (typeof segment === 'number') return `${path}[${segment}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(segment)) return path === '' ? segment : `${path}.${segment}`;
  return `${path}[${JSON.stringify(segment)}]`;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null && (Array.isArray(value) || Object.keys(value).length > 0);
}

/** The leaves of `tree` by path, in document order; empty maps and lists are leaves of their own. */
function flatten(tree: unknown, rule: SecretRule | undefined): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  if (tree === undefined) return out;
  const segments: (string | number)[] = [];
  const walk = (value: unknown, path: string, parent: unknown) => {
    if (isContainer(value) && !(Array.isArray(value) && value.length === 0)) {
      const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
      for (const [seg, child] of entries) {
        segments.push(seg);
        walk(child, joinPath(path, seg), value);
        segments.pop();
      }
      return;
    }
    const leaf: Leaf = { value, repr: value === undefined ? 'undefined' : JSON.stringify(value) };
    // An empty map or list holds nothing secret; only values are masked.
    const bytes = typeof value === 'object' && value !== null ? undefined : rule?.(segments, value, parent);
    if (bytes !== undefined) leaf.secretBytes = bytes;
    out.set(path, leaf);
  };
  walk(tree, '', undefined);
  return out;
}

/** Field changes from `a` to `b`, and copies of both with secrets masked (pairwise, so a change stays visible). */
export interface TreeDiff {
  changes: FieldChange[];
  maskedOld: unknown;
  maskedNew: unknown;
}

/** Compares two trees leaf by leaf. With `rule` undefined (`--show-secrets`) nothing is masked. */
export function diffTrees(a: unknown, b: unknown, rule: SecretRule | undefined): TreeDiff {
  const left = flatten(a, rule);
  const right = flatten(b, rule);
  const changes: FieldChange[] = [];
  const oldMask = new Map<string, string>();
  const newMask = new Map<string, string>();
  const size = (leaf: Leaf) => leaf.secretBytes ?? byteSize(leaf.value);
  for (const [path, l] of left) {
    const r = right.get(path);
    const secret = l.secretBytes !== undefined || r?.secretBytes !== undefined;
    if (r && r.repr === l.repr) {
      if (!secret) continue;
      const same = `<secret ${maskedText(size(l))}>`;
      oldMask.set(path, same);
      newMask.set(path, same);
      continue;
    }
    if (!secret) {
      changes.push(r ? { path, old: l.value, new: r.value } : { path, old: l.value });
      continue;
    }
    const change: FieldChange = { path, old: maskedText(size(l)), masked: true };
    oldMask.set(path, `<secret ${maskedText(size(l))}, before>`);
    if (r) {
      change.new = maskedText(size(r));
      newMask.set(path, `<secret ${maskedText(size(r))}, changed>`);
    }
    changes.push(change);
  }
  for (const [path, r] of right) {
    if (left.has(path)) continue;
    if (r.secretBytes !== undefined) {
      changes.push({ path, new: maskedText(r.secretBytes), masked: true });
      newMask.set(path, `<secret ${maskedText(r.secretBytes)}, added>`);
    } else {
      changes.push({ path, new: r.value });
    }
  }
  return {
    changes,
    maskedOld: oldMask.size ? replaceLeaves(a, oldMask) : a,
    maskedNew: newMask.size ? replaceLeaves(b, newMask) : b,
  };
}

// A copy of `tree` with the leaves at the given paths replaced; subtrees without one are shared, not copied.
function replaceLeaves(tree: unknown, replacements: ReadonlyMap<string, string>): unknown {
  const walk = (value: unknown, path: string): unknown => {
    if (replacements.has(path)) return replacements.get(path);
    if (!isContainer(value)) return value;
    if (Array.isArray(value)) return value.map((v, i) => walk(v, joinPath(path, i)));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, joinPath(path, k));
    return out;
  };
  return walk(tree, '');
}
