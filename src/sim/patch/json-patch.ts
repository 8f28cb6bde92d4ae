/**
 * JSON patch (RFC 6902) as the API server applies `application/json-patch+json`: a malformed patch
 * document is 400 BadRequest, an operation that cannot be applied (missing path, failed `test`) is 422.
 */
import { StatusError, badRequest } from '../store/errors.js';
import { clone, deepEqual, isObject } from './json-util.js';

/** One RFC 6902 operation. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** 422 with the message as the API server words JSON patch application failures. */
function unprocessable(message: string): StatusError {
  return new StatusError(422, 'Invalid', message);
}

/** Validates the patch document's shape (400 BadRequest when it is not a list of operations). */
export function decodeJsonPatch(patch: unknown): JsonPatchOperation[] {
  if (!Array.isArray(patch)) {
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  }
  return patch.map((operation, i) => {
    if (!isObject(operation)) throw badRequest(`json patch operation ${i} is not an object`);
    const { op, path, from } = operation;
    if (typeof op !== 'string' || !OPS.has(op)) throw badRequest(`Unexpected kind: ${String(op)}`);
    if (typeof path !== 'string') throw badRequest(`operation ${i} (${op}) is missing path`);
    if ((op === 'move' || op === 'copy') && typeof from !== 'string') {
      throw badRequest(`operation ${i} (${op}) is missing from`);
    }
    if ((op === 'add' || op === 'replace' || op === 'test') && !('value' in operation)) {
      throw badRequest(`operation ${i} (${op}) is missing value`);
    }
    return operation as unknown as JsonPatchOperation;
  });
}

/** Splits a JSON pointer into unescaped reference tokens. */
function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw unprocessable(`invalid JSON pointer: "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function insertIndex(token: string, length: number, pointer: string, op: string): number {
  if (token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw unprocessable(`Unable to access invalid index: ${token}`);
  const index = Number(token);
  if (index > length) throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  return index;
}

/** Resolves the parent container of a pointer; throws 422 when any step is missing. */
function parentOf(doc: unknown, tokens: string[], pointer: string, op: string): unknown {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= node.length) {
        throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
      }
      node = node[Number(token)];
    } else if (isObject(node) && Object.prototype.hasOwnProperty.call(node, token)) {
      node = node[token];
    } else {
      throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
    }
  }
  if (!Array.isArray(node) && !isObject(node)) {
    throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  }
  return node;
}

function getValue(doc: unknown, pointer: string, op: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens, pointer, op);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    if (!/^(0|[1-9][0-9]*)$/.test(last) || Number(last) >= parent.length) {
      throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
    }
    return parent[Number(last)];
  }
  const obj = parent as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(obj, last)) {
    throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  }
  return obj[last];
}

function addValue(doc: unknown, pointer: string, value: unknown, op: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return clone(value);
  const parent = parentOf(doc, tokens, pointer, op);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    parent.splice(insertIndex(last, parent.length, pointer, op), 0, clone(value));
  } else {
    (parent as Record<string, unknown>)[last] = clone(value);
  }
  return doc;
}

function removeValue(doc: unknown, pointer: string, op: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw unprocessable(`${op} operation does not apply: cannot remove the whole document`);
  getValue(doc, pointer, op);
  const parent = parentOf(doc, tokens, pointer, op);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as Record<string, unknown>)[last];
  return doc;
}

/**
 * Applies RFC 6902 operations in order (atomically: the input is never touched, a failure leaves nothing
 * half-applied). Throws StatusError 400 for a malformed document, 422 when an operation does not apply.
 */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  const operations = decodeJsonPatch(patch);
  let doc = clone(target);
  for (const operation of operations) {
    const { op, path } = operation;
    switch (op) {
      case 'add':
        doc = addValue(doc, path, operation.value, op);
        break;
      case 'remove':
        doc = removeValue(doc, path, op);
        break;
      case 'replace':
        getValue(doc, path, op);
        if (parsePointer(path).length === 0) doc = clone(operation.value);
        else {
          const tokens = parsePointer(path);
          const parent = parentOf(doc, tokens, path, op);
          const last = tokens[tokens.length - 1];
          if (Array.isArray(parent)) parent[Number(last)] = clone(operation.value);
          else (parent as Record<string, unknown>)[last] = clone(operation.value);
        }
        break;
      case 'move': {
        const from = operation.from as string;
        if (path !== from && path.startsWith(`${from}/`)) {
          throw unprocessable(`move operation does not apply: "${from}" is a prefix of "${path}"`);
        }
        const value = clone(getValue(doc, from, op));
        doc = removeValue(doc, from, op);
        doc = addValue(doc, path, value, op);
        break;
      }
      case 'copy': {
        const value = clone(getValue(doc, operation.from as string, op));
        doc = addValue(doc, path, value, op);
        break;
      }
      case 'test': {
        const actual = getValue(doc, path, op);
        if (!deepEqual(actual, operation.value)) {
          throw unprocessable(`testing value ${path} failed: test failed`);
        }
        break;
      }
    }
  }
  return doc;
}
