import { describe, expect, it } from '@jest/globals';
import { applyPatch } from '../../../src/sim/patch/index.js';
import { applyJsonPatch } from '../../../src/sim/patch/json-patch.js';
import { applyMergePatch } from '../../../src/sim/patch/merge-patch.js';
import type { KubeObject, ResourceType } from '../../../src/sim/store/types.js';

const widgets: ResourceType = {
  group: 'example.com', version: 'v1', plural: 'widgets', singular: 'widget', kind: 'Widget',
  listKind: 'WidgetList', namespaced: true, subresources: [], verbs: [],
};
const now = new Date('2026-01-01T00:00:00Z');

describe('JSON merge patch (RFC 7386)', () => {
  it.each([
    ['replaces a scalar', { a: 'b' }, { a: 'c' }, { a: 'c' }],
    ['adds a member', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    ['null removes a member', { a: 'b' }, { a: null }, {}],
    ['null for an absent member is a no-op', { a: 'b' }, { x: null }, { a: 'b' }],
    ['arrays replace', { a: [1, 2] }, { a: [3] }, { a: [3] }],
    ['nested merge', { a: { b: 1, c: 2 } }, { a: { b: null, d: 3 } }, { a: { c: 2, d: 3 } }],
    ['object replaces scalar', { a: 1 }, { a: { b: { c: null } } }, { a: { b: {} } }],
    ['nulls inside new objects are dropped', {}, { a: { b: null, c: 1 } }, { a: { c: 1 } }],
    ['non-object patch replaces the document', { a: 1 }, ['x'], ['x']],
  ])('%s', (_name, target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('through applyPatch works for custom resources and records an Update manager', () => {
    const cr: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { a: '1' } }, spec: { size: 1, color: 'red' } };
    const out = applyPatch({ contentType: 'application/merge-patch+json; charset=utf-8', current: cr, patch: { spec: { size: 2, color: null } }, resource: widgets, now, fieldManager: 'kubectl-patch' });
    expect(out.spec).toEqual({ size: 2 });
    expect(out.metadata.labels).toEqual({ a: '1' });
    expect(out.metadata.managedFields).toEqual([
      { manager: 'kubectl-patch', operation: 'Update', apiVersion: 'example.com/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:size': {} } } },
    ]);
  });

  it('a non-object merge patch body is 400', () => {
    const cr: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(() => applyPatch({ contentType: 'application/merge-patch+json', current: cr, patch: [1], resource: widgets, now }))
      .toThrow(expect.objectContaining({ code: 400 }));
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { metadata: { name: 'x', labels: { 'a/b': '1', 't~': '2' } }, spec: { list: [1, 2, 3], obj: { k: 'v' } } };
  it.each([
    ['add to object', [{ op: 'add', path: '/spec/new', value: 1 }], (d: any) => expect(d.spec.new).toBe(1)],
    ['add replaces an existing member', [{ op: 'add', path: '/spec/obj', value: 2 }], (d: any) => expect(d.spec.obj).toBe(2)],
    ['add inserts into an array', [{ op: 'add', path: '/spec/list/1', value: 9 }], (d: any) => expect(d.spec.list).toEqual([1, 9, 2, 3])],
    ['add appends with -', [{ op: 'add', path: '/spec/list/-', value: 4 }], (d: any) => expect(d.spec.list).toEqual([1, 2, 3, 4])],
    ['escaped keys ~1 and ~0', [{ op: 'replace', path: '/metadata/labels/a~1b', value: 'x' }, { op: 'remove', path: '/metadata/labels/t~0' }],
      (d: any) => expect(d.metadata.labels).toEqual({ 'a/b': 'x' })],
    ['remove from array', [{ op: 'remove', path: '/spec/list/0' }], (d: any) => expect(d.spec.list).toEqual([2, 3])],
    ['replace', [{ op: 'replace', path: '/spec/obj/k', value: 'w' }], (d: any) => expect(d.spec.obj).toEqual({ k: 'w' })],
    ['move', [{ op: 'move', from: '/spec/obj/k', path: '/spec/moved' }], (d: any) => expect(d.spec).toEqual({ list: [1, 2, 3], obj: {}, moved: 'v' })],
    ['copy', [{ op: 'copy', from: '/spec/list', path: '/spec/copy' }], (d: any) => expect(d.spec.copy).toEqual([1, 2, 3])],
    ['test passes then applies', [{ op: 'test', path: '/spec/list', value: [1, 2, 3] }, { op: 'remove', path: '/spec/obj' }],
      (d: any) => expect(d.spec.obj).toBeUndefined()],
  ])('%s', (_name, patch, check) => {
    const before = JSON.stringify(doc);
    check(applyJsonPatch(doc, patch));
    expect(JSON.stringify(doc)).toBe(before);
  });

  it.each([
    ['failing test', [{ op: 'remove', path: '/spec/obj' }, { op: 'test', path: '/spec/list/0', value: 5 }], 422],
    ['remove of a missing path', [{ op: 'remove', path: '/spec/nope' }], 422],
    ['replace of a missing path', [{ op: 'replace', path: '/spec/nope', value: 1 }], 422],
    ['add under a missing parent', [{ op: 'add', path: '/nope/x', value: 1 }], 422],
    ['array index out of range', [{ op: 'add', path: '/spec/list/7', value: 1 }], 422],
    ['move into its own child', [{ op: 'move', from: '/spec', path: '/spec/obj/x' }], 422],
    ['not an array', { op: 'add' }, 400],
    ['unknown op', [{ op: 'frob', path: '/a' }], 400],
    ['missing value', [{ op: 'add', path: '/a' }], 400],
    ['missing from', [{ op: 'copy', path: '/a' }], 400],
  ])('%s -> %i', (_name, patch, code) => {
    expect(() => applyJsonPatch(doc, patch)).toThrow(expect.objectContaining({ code }));
  });

  it('helm 4 style managedFields migration patch (test resourceVersion, replace managedFields) applies', () => {
    const obj: KubeObject = {
      apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', resourceVersion: '5', managedFields: [{ manager: 'helm', operation: 'Update' }] },
      spec: { size: 1 },
    };
    const migrated = [{ manager: 'helm', operation: 'Apply', apiVersion: 'example.com/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:size': {} } } }];
    const out = applyPatch({
      contentType: 'application/json-patch+json', current: obj, resource: widgets, now, fieldManager: 'helm',
      patch: [{ op: 'test', path: '/metadata/resourceVersion', value: '5' }, { op: 'replace', path: '/metadata/managedFields', value: migrated }],
    });
    expect(out.metadata.managedFields).toEqual(migrated);
  });
});
