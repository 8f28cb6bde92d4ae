import { badRequest } from './errors.js';
import type { KubeObject } from './types.js';

/** One parsed label requirement. */
export interface LabelRequirement {
  key: string;
  op: 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
  values: string[];
}

/** A parsed label selector: all requirements must hold (an empty list matches everything). */
export type LabelSelector = LabelRequirement[];

/** Splits on commas that are not inside parentheses (`a in (x,y),b` is two requirements). */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const keyPattern = /^([a-z0-9A-Z]([a-z0-9A-Z._/-]*[a-z0-9A-Z])?)$/;

function checkKey(key: string, whole: string): string {
  if (!keyPattern.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${whole}"`);
  return key;
}

/**
 * Parses a Kubernetes label selector: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`.
 * Throws StatusError 400 on syntax errors, worded like the API server.
 */
export function parseLabelSelector(selector: string | undefined): LabelSelector {
  if (!selector || selector.trim() === '') return [];
  return splitTop(selector).map((part): LabelRequirement => {
    let m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = m[3].split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { key: checkKey(m[1], selector), op: m[2] as 'in' | 'notin', values };
    }
    m = /^!\s*(\S+)$/.exec(part);
    if (m) return { key: checkKey(m[1], selector), op: '!exists', values: [] };
    m = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(\S*)$/.exec(part);
    if (m) {
      const op = m[2] === '==' || m[2] === '=' ? '=' : m[2] === '!=' ? '!=' : m[2] === '>' ? 'gt' : 'lt';
      if ((op === 'gt' || op === 'lt') && !/^-?\d+$/.test(m[3])) {
        throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer in selector "${selector}"`);
      }
      return { key: checkKey(m[1], selector), op, values: [m[3]] };
    }
    if (/^\S+$/.test(part)) return { key: checkKey(part, selector), op: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${part}', expected: ',' or end of string in selector "${selector}"`);
  });
}

/** True when the labels satisfy every requirement. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const value = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
        return has && value === r.values[0];
      case '!=':
        return !has || value !== r.values[0];
      case 'in':
        return has && r.values.includes(value);
      case 'notin':
        return !has || !r.values.includes(value);
      case 'gt':
        return has && /^-?\d+$/.test(value) && Number(value) > Number(r.values[0]);
      case 'lt':
        return has && /^-?\d+$/.test(value) && Number(value) < Number(r.values[0]);
    }
  });
}

/** One parsed field requirement (`status.phase!=Running`). */
export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits on unescaped commas and unescapes `\,` `\=` `\\` in values, as the API server's field selector does. */
function splitEscaped(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (ch === ',') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** Parses a field selector (`metadata.name=x,status.phase!=Running`); throws 400 on syntax errors. */
export function parseFieldSelector(selector: string | undefined): FieldRequirement[] {
  if (!selector || selector.trim() === '') return [];
  return splitEscaped(selector).map((part) => {
    const m = /^([A-Za-z0-9_.\-[\]]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    return { field: m[1], op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]) };
  });
}

/** The string value of a dotted field path (`spec.nodeName`), '' when absent, like the API server's field sets. */
export function fieldValue(object: KubeObject, path: string): string {
  let cur: unknown = object;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[key];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}

/** True when the object satisfies every field requirement. */
export function matchesFields(selector: FieldRequirement[], object: KubeObject): boolean {
  return selector.every((r) => (fieldValue(object, r.field) === r.value) === (r.op === '='));
}

/** A compiled predicate for label and field selectors together. */
export function compileSelectors(labelSelector?: string, fieldSelector?: string): (object: KubeObject) => boolean {
  const labels = parseLabelSelector(labelSelector);
  const fields = parseFieldSelector(fieldSelector);
  if (labels.length === 0 && fields.length === 0) return () => true;
  return (object) => matchesLabels(labels, object.metadata.labels) && matchesFields(fields, object);
}
