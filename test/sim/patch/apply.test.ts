import { describe, expect, it } from '@jest/globals';
import { applyPatch, trackUpdate, schemaFor } from '../../../src/sim/patch/index.js';
import { StatusError } from '../../../src/sim/store/errors.js';
import type { KubeObject, ResourceType } from '../../../src/sim/store/types.js';

const deployments: ResourceType = {
  group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment',
  listKind: 'DeploymentList', namespaced: true, subresources: ['status', 'scale'], verbs: [],
};
const widgets: ResourceType = {
  group: 'example.com', version: 'v1', plural: 'widgets', singular: 'widget', kind: 'Widget',
  listKind: 'WidgetList', namespaced: true, subresources: [], verbs: [],
};
const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:05:00.250Z');

interface Opts { env?: Array<{ name: string; value: string }>; replicas?: number; labels?: Record<string, string>; ports?: number[]; image?: string }

/** The Deployment a chart renders (what helm 4 sends as the apply body). */
function manifest(opts: Opts = {}): Record<string, unknown> {
  const container: Record<string, unknown> = { name: 'app', image: opts.image ?? 'nginx:1.25' };
  if (opts.env) container.env = opts.env;
  if (opts.ports) container.ports = opts.ports.map((p) => ({ containerPort: p }));
  const spec: Record<string, unknown> = {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } },
  };
  if (opts.replicas !== undefined) spec.replicas = opts.replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: opts.labels ?? { app: 'web', 'app.kubernetes.io/managed-by': 'Helm' } },
    spec,
  };
}

function apply(current: KubeObject | undefined, body: unknown, fieldManager = 'helm', force = false, now = t0): KubeObject {
  return applyPatch({ contentType: 'application/apply-patch+yaml', current, patch: body, fieldManager, force, resource: deployments, now });
}

/** What the store does after a create/update: server metadata. */
function stored(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid: 'u1', resourceVersion: '10', creationTimestamp: '2026-01-01T00:00:00Z', generation: 1 } };
}

const containerOf = (o: KubeObject): any => (o.spec as any).template.spec.containers[0];

describe('server-side apply', () => {
  it('creates from the applied object and records an Apply entry with keyed list items', () => {
    const out = apply(undefined, manifest({ replicas: 2, env: [{ name: 'A', value: '1' }] }));
    expect(out.kind).toBe('Deployment');
    expect((out.spec as any).replicas).toBe(2);
    expect(out.metadata.managedFields).toEqual([{
      manager: 'helm', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {}, 'f:app.kubernetes.io/managed-by': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': { 'f:matchLabels': { 'f:app': {} } },
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"app"}': {
              '.': {}, 'f:name': {}, 'f:image': {}, 'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
            } } },
          },
        },
      },
    }]);
  });

  it('prunes an env var, a label and replicas that the same manager no longer applies (rollback removes fields)', () => {
    const v1 = stored(apply(undefined, manifest({ replicas: 3, env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], labels: { app: 'web', tier: 'x' } })));
    const v2 = apply(v1, manifest({ env: [{ name: 'A', value: '1' }], labels: { app: 'web' } }), 'helm', false, t1);
    expect(containerOf(v2).env).toEqual([{ name: 'A', value: '1' }]);
    expect(v2.metadata.labels).toEqual({ app: 'web' });
    expect((v2.spec as any).replicas).toBeUndefined();
    expect(v2.metadata.uid).toBe('u1');
    expect((v2.metadata.managedFields as any[])[0].time).toBe('2026-01-01T00:05:00Z');
    // Dropping the last env var removes the (now empty) list too.
    const v3 = apply(stored(v2), manifest({}));
    expect(containerOf(v3).env).toBeUndefined();
    expect(containerOf(v3).image).toBe('nginx:1.25');
    // And re-applying the old manifest brings it all back.
    const v4 = apply(stored(v3), manifest({ replicas: 3, env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }));
    expect(containerOf(v4).env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]);
  });

  it('keys container ports by containerPort and protocol (TCP by default): 53/TCP and 53/UDP stay apart', () => {
    const body = manifest({});
    (body.spec as any).template.spec.containers[0].ports = [{ containerPort: 53, protocol: 'UDP', name: 'dns' }, { containerPort: 53, name: 'dns-tcp' }];
    const v1 = stored(apply(undefined, body));
    const entry = (v1.metadata.managedFields as any[])[0];
    const ports = entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}']['f:ports'];
    expect(Object.keys(ports)).toEqual(['k:{"containerPort":53,"protocol":"UDP"}', 'k:{"containerPort":53,"protocol":"TCP"}']);
    // The store defaults protocol; a re-apply without the TCP port removes only that one.
    const defaulted: KubeObject = JSON.parse(JSON.stringify(v1));
    containerOf(defaulted).ports[1].protocol = 'TCP';
    const next = manifest({});
    (next.spec as any).template.spec.containers[0].ports = [{ containerPort: 53, protocol: 'UDP', name: 'dns' }];
    const v2 = apply(defaulted, next);
    expect(containerOf(v2).ports).toEqual([{ containerPort: 53, protocol: 'UDP', name: 'dns' }]);
  });

  it('keeps fields nobody applied (server defaults, other managers) and merges keyed lists', () => {
    const v1 = stored(apply(undefined, manifest({ ports: [80, 9090] })));
    const defaulted: KubeObject = JSON.parse(JSON.stringify(v1));
    containerOf(defaulted).terminationMessagePath = '/dev/termination-log';
    (defaulted.spec as any).progressDeadlineSeconds = 600;
    const v2 = apply(defaulted, manifest({ ports: [80] }));
    expect(containerOf(v2).ports).toEqual([{ containerPort: 80 }]);
    expect(containerOf(v2).terminationMessagePath).toBe('/dev/termination-log');
    expect((v2.spec as any).progressDeadlineSeconds).toBe(600);
  });

  it('conflicts (409, causes FieldManagerConflict) on a value another manager owns, unless forced', () => {
    const v1 = stored(apply(undefined, manifest({ replicas: 2 })));
    // kubectl scale (an Update by another manager) takes spec.replicas.
    const scaled = trackUpdate({
      before: v1, after: { ...v1, spec: { ...(v1.spec as object), replicas: 5 } }, manager: 'kubectl-scale',
      schema: schemaFor(deployments), hasStatus: true, now: t0,
    });
    expect(scaled.metadata.managedFields).toHaveLength(2);
    let error: StatusError | undefined;
    try { apply(scaled, manifest({ replicas: 2 })); } catch (e) { error = e as StatusError; }
    expect(error).toBeInstanceOf(StatusError);
    expect(error!.code).toBe(409);
    expect(error!.reason).toBe('Conflict');
    expect(error!.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas');
    expect(error!.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-scale" using apps/v1', field: '.spec.replicas' }]);

    const forced = apply(scaled, manifest({ replicas: 2 }), 'helm', true);
    expect((forced.spec as any).replicas).toBe(2);
    // kubectl-scale lost its only field: its entry is gone.
    expect((forced.metadata.managedFields as any[]).map((e) => e.manager)).toEqual(['helm']);
  });

  it('an empty map applied over a filled-in one another manager owns is no conflict (helm 4 --create-namespace over kubectl create ns)', () => {
    // kubectl create wrote `spec: {}`; the server then filled it in.
    const created = trackUpdate({ before: undefined, after: stored({ ...manifest({}), spec: {} } as unknown as KubeObject), manager: 'kubectl-create', schema: schemaFor(deployments), hasStatus: true, now: t0 });
    const filled: KubeObject = { ...created, spec: { replicas: 3 } };
    const out = apply(filled, { ...manifest({}), spec: {} });
    expect((out.spec as any).replicas).toBe(3);
    // A leaf value under that map still conflicts.
    const owned = trackUpdate({ before: filled, after: { ...filled, spec: { replicas: 4 } }, manager: 'kubectl-scale', schema: schemaFor(deployments), hasStatus: true, now: t0 });
    expect(() => apply(owned, { ...manifest({}), spec: { replicas: 1 } })).toThrow(/conflict with "kubectl-scale"/);
  });

  it('same value is shared ownership: no conflict, and no pruning while the other manager still owns it', () => {
    const v1 = stored(apply(undefined, manifest({ replicas: 2 })));
    const other = stored(apply(v1, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }, 'autoscaler'));
    const v2 = apply(other, manifest({}));
    expect((v2.spec as any).replicas).toBe(2);
    const managers = (v2.metadata.managedFields as any[]).map((e) => e.manager);
    expect(managers).toEqual(['helm', 'autoscaler']);
  });

  it('fields added by other managers survive a re-apply (kubectl rollout restart annotation)', () => {
    const v1 = stored(apply(undefined, manifest({})));
    const restarted: KubeObject = JSON.parse(JSON.stringify(v1));
    (restarted.spec as any).template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': 'now' };
    const tracked = trackUpdate({ before: v1, after: restarted, manager: 'kubectl-rollout', schema: schemaFor(deployments), hasStatus: true, now: t0 });
    const v2 = apply(tracked, manifest({ image: 'nginx:1.26' }));
    expect((v2.spec as any).template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': 'now' });
    expect(containerOf(v2).image).toBe('nginx:1.26');
  });

  it('an Update by the same manager name (helm 3 wrote it, helm 4 applies) does not conflict', () => {
    const created = trackUpdate({ before: undefined, after: stored(manifest({ replicas: 1 }) as KubeObject), manager: 'helm', schema: schemaFor(deployments), hasStatus: true, now: t0 });
    expect((created.metadata.managedFields as any[])[0].operation).toBe('Update');
    const out = apply(created, manifest({ replicas: 4 }));
    expect((out.spec as any).replicas).toBe(4);
  });

  it('ignores status in the applied object for resources with a status subresource', () => {
    const out = apply(undefined, { ...manifest({}), status: { replicas: 9 } });
    expect(out.status).toBeUndefined();
  });

  it('drops managedFields and nulls from the applied object', () => {
    const body = manifest({});
    (body.metadata as any).managedFields = [{ manager: 'evil' }];
    (body.spec as any).paused = null;
    const out = apply(undefined, body);
    expect((out.metadata.managedFields as any[]).map((e) => e.manager)).toEqual(['helm']);
    expect('paused' in (out.spec as object)).toBe(false);
  });

  it.each([
    ['no fieldManager', { ...manifest({}) }, undefined, 400],
    ['wrong kind', { ...manifest({}), kind: 'StatefulSet' }, 'helm', 400],
    ['wrong apiVersion', { ...manifest({}), apiVersion: 'apps/v1beta1' }, 'helm', 400],
    ['not an object', ['x'], 'helm', 400],
  ])('rejects %s with %i', (_name, body, manager, code) => {
    expect(() => applyPatch({ contentType: 'application/apply-patch+yaml', current: undefined, patch: body, fieldManager: manager, resource: deployments, now: t0 }))
      .toThrow(expect.objectContaining({ code }));
  });

  it('works for custom resources (no schema: lists atomic, maps granular)', () => {
    const body = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: ['a', 'b'], opts: { x: 1, y: 2 } } };
    const v1 = applyPatch({ contentType: 'application/apply-patch+yaml', current: undefined, patch: body, fieldManager: 'helm', resource: widgets, now: t0 });
    const v2 = applyPatch({
      contentType: 'application/apply-patch+yaml', current: v1, fieldManager: 'helm', resource: widgets, now: t0,
      patch: { ...body, spec: { items: ['c'], opts: { x: 1 } } },
    });
    expect(v2.spec).toEqual({ items: ['c'], opts: { x: 1 } });
  });

  it('does not mutate current or the applied body', () => {
    const v1 = stored(apply(undefined, manifest({ env: [{ name: 'A', value: '1' }] })));
    const body = manifest({});
    const c = JSON.stringify(v1);
    const b = JSON.stringify(body);
    apply(v1, body);
    expect(JSON.stringify(v1)).toBe(c);
    expect(JSON.stringify(body)).toBe(b);
  });
});

describe('managedFields for non-apply writes', () => {
  it('a strategic merge patch by helm 3 records an Update entry for the fields it changed', () => {
    const v1 = stored(apply(undefined, manifest({})));
    const out = applyPatch({
      contentType: 'application/strategic-merge-patch+json', current: v1, resource: deployments, now: t1, fieldManager: 'helm',
      patch: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } },
    });
    const entries = out.metadata.managedFields as any[];
    expect(entries.map((e) => `${e.manager}/${e.operation}`)).toEqual(['helm/Apply', 'helm/Update']);
    expect(entries[1].fieldsV1).toEqual({ 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } } } });
    // The Apply entry lost the image it no longer owns.
    expect(JSON.stringify(entries[0].fieldsV1)).not.toContain('f:image');
  });

  it('a create records every field (status excluded for status-subresource kinds)', () => {
    const out = trackUpdate({ before: undefined, after: { ...(manifest({}) as KubeObject), status: { x: 1 } }, manager: 'helm', schema: schemaFor(deployments), hasStatus: true, now: t0 });
    const entry = (out.metadata.managedFields as any[])[0];
    expect(entry.operation).toBe('Update');
    expect(entry.fieldsV1['f:status']).toBeUndefined();
    expect(entry.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}']['f:image']).toEqual({});
  });

  it('status writes record a status-subresource entry', () => {
    const v1 = stored(manifest({}) as KubeObject);
    const out = trackUpdate({ before: v1, after: { ...v1, status: { replicas: 1 } }, manager: 'kube-controller-manager', schema: schemaFor(deployments), hasStatus: true, now: t0, subresource: 'status' });
    expect(out.metadata.managedFields).toEqual([{
      manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z',
      fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:replicas': {} } }, subresource: 'status',
    }]);
  });
});

describe('trackUpdate keeps or replaces managedFields like the API server', () => {
  const base = (): KubeObject => stored(apply(undefined, manifest({ replicas: 1 })));
  it('a PUT body without managedFields keeps the stored entries', () => {
    const v1 = base();
    const body: KubeObject = JSON.parse(JSON.stringify(v1));
    delete body.metadata.managedFields;
    (body.spec as any).paused = true;
    const out = trackUpdate({ before: v1, after: body, manager: 'kubectl-replace', schema: schemaFor(deployments), hasStatus: true, now: t0 });
    expect((out.metadata.managedFields as any[]).map((e) => `${e.manager}/${e.operation}`)).toEqual(['helm/Apply', 'kubectl-replace/Update']);
  });
  it('a body with different managedFields replaces them (client-side migration)', () => {
    const v1 = base();
    const body: KubeObject = JSON.parse(JSON.stringify(v1));
    body.metadata.managedFields = [{ manager: 'migrated', operation: 'Apply', apiVersion: 'apps/v1', time: 'x', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
    const out = trackUpdate({ before: v1, after: body, manager: 'helm', schema: schemaFor(deployments), hasStatus: true, now: t0 });
    expect((out.metadata.managedFields as any[]).map((e) => e.manager)).toEqual(['migrated']);
  });
});
