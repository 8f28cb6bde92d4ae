import { compileSelectors, parseLabelSelector } from '../../../src/sim/store/selectors.js';
import { StatusError } from '../../../src/sim/store/errors.js';
import type { KubeObject } from '../../../src/sim/store/types.js';

const pod = (labels: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', labels },
  ...extra,
});

describe('label selectors', () => {
  it.each([
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'web' }, true],
    ['app=web', { app: 'db' }, false],
    ['app!=web', { app: 'db' }, true],
    ['app!=web', {}, true],
    ['app!=web', { app: 'web' }, false],
    ['app in (web, db)', { app: 'db' }, true],
    ['app in (web,db)', { app: 'x' }, false],
    ['app notin (web,db)', { app: 'x' }, true],
    ['app notin (web,db)', {}, true],
    ['app notin (web,db)', { app: 'web' }, false],
    ['app', { app: '' }, true],
    ['app', {}, false],
    ['!app', {}, true],
    ['!app', { app: 'x' }, false],
    ['name=r,owner=helm', { name: 'r', owner: 'helm' }, true],
    ['name=r,owner=helm', { name: 'r' }, false],
    ['name=r,status in (deployed,superseded),!gone', { name: 'r', status: 'superseded' }, true],
    ['tier>2', { tier: '3' }, true],
    ['tier<2', { tier: '3' }, false],
    ['', { any: 'x' }, true],
  ])('%s on %j -> %s', (selector, labels, expected) => {
    expect(compileSelectors(selector)(pod(labels))).toBe(expected);
  });

  it('rejects malformed selectors with a 400', () => {
    expect(() => parseLabelSelector('app in (a')).toThrow(StatusError);
    expect(() => parseLabelSelector('a b c')).toThrow(/unable to parse requirement/);
  });
});

describe('field selectors', () => {
  const p = pod({}, { spec: { nodeName: 'node-1' }, status: { phase: 'Running' } });
  it.each([
    ['metadata.name=p', true],
    ['metadata.name==p', true],
    ['metadata.name=q', false],
    ['metadata.namespace=ns,metadata.name=p', true],
    ['spec.nodeName=node-1', true],
    ['spec.nodeName!=node-1', false],
    ['status.phase!=Running', false],
    ['status.phase=Running', true],
    ['spec.schedulerName=', true],
  ])('%s -> %s', (selector, expected) => {
    expect(compileSelectors(undefined, selector)(p)).toBe(expected);
  });

  it('matches involvedObject fields of events', () => {
    const ev: KubeObject = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'web-1', uid: 'u1' } };
    expect(compileSelectors(undefined, 'involvedObject.name=web-1,involvedObject.kind=Pod')(ev)).toBe(true);
    expect(compileSelectors(undefined, 'involvedObject.uid=u2')(ev)).toBe(false);
  });
});
