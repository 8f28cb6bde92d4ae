import { describe, expect, it } from '@jest/globals';
import { applyPatch } from '../../../src/sim/patch/index.js';
import { StatusError } from '../../../src/sim/store/errors.js';
import type { KubeObject, ResourceType } from '../../../src/sim/store/types.js';

const deployments: ResourceType = {
  group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment',
  listKind: 'DeploymentList', namespaced: true, subresources: ['status', 'scale'], verbs: [],
};
const services: ResourceType = {
  group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service',
  listKind: 'ServiceList', namespaced: true, subresources: ['status'], verbs: [],
};
const configmaps: ResourceType = {
  group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap',
  listKind: 'ConfigMapList', namespaced: true, subresources: [], verbs: [],
};
const widgets: ResourceType = {
  group: 'example.com', version: 'v1', plural: 'widgets', singular: 'widget', kind: 'Widget',
  listKind: 'WidgetList', namespaced: true, subresources: [], verbs: [],
};
const now = new Date('2026-01-01T00:00:00Z');

function deployment(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', generation: 2,
      creationTimestamp: '2025-12-31T00:00:00Z',
      labels: { app: 'web', 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: { 'meta.helm.sh/release-name': 'r', 'deployment.kubernetes.io/revision': '2' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: { app: 'web' } }, spec },
    },
    status: { replicas: 2 },
  };
}

function smp(current: KubeObject, patch: unknown, resource = deployments): KubeObject {
  return applyPatch({ contentType: 'application/strategic-merge-patch+json', current, patch, resource, now, fieldManager: 'helm' });
}

function podSpec(out: KubeObject): Record<string, any> {
  return (out.spec as any).template.spec;
}

const app = (extra: Record<string, unknown> = {}) => ({ name: 'app', image: 'nginx:1.25', ...extra });

describe('strategic merge patch: helm 3 three-way patches', () => {
  it('adds an env var to one container, keeping the other container and fields', () => {
    const current = deployment({
      containers: [app({ env: [{ name: 'A', value: '1' }] }), { name: 'sidecar', image: 'busybox' }],
      restartPolicy: 'Always',
    });
    const out = smp(current, {
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
        containers: [{ '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }], env: [{ name: 'B', value: '2' }], name: 'app' }],
      } } },
    });
    expect(podSpec(out).containers).toEqual([
      app({ env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }),
      { name: 'sidecar', image: 'busybox' },
    ]);
    expect(podSpec(out).restartPolicy).toBe('Always');
    expect(out.metadata.uid).toBe('u1');
    expect(out.metadata.labels).toEqual(current.metadata.labels);
  });

  it('removes an env var with $patch: delete', () => {
    const current = deployment({ containers: [app({ env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })] });
    const out = smp(current, {
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'app' }],
        containers: [{ '$setElementOrder/env': [{ name: 'A' }], env: [{ $patch: 'delete', name: 'B' }], name: 'app' }],
      } } },
    });
    expect(podSpec(out).containers[0].env).toEqual([{ name: 'A', value: '1' }]);
  });

  it('removes a container port keyed by containerPort and orders the rest with $setElementOrder', () => {
    const current = deployment({
      containers: [app({ ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 9090, name: 'metrics', protocol: 'TCP' }, { containerPort: 8443, protocol: 'TCP' }] })],
    });
    const out = smp(current, {
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'app' }],
        containers: [{
          name: 'app',
          '$setElementOrder/ports': [{ containerPort: 8443 }, { containerPort: 80 }],
          ports: [{ $patch: 'delete', containerPort: 9090 }],
        }],
      } } },
    });
    expect(podSpec(out).containers[0].ports).toEqual([
      { containerPort: 8443, protocol: 'TCP' },
      { containerPort: 80, name: 'http', protocol: 'TCP' },
    ]);
  });

  it('replaces args wholesale (no merge strategy) and deletes a field with null', () => {
    const current = deployment({ containers: [app({ args: ['--a', '--b', '--c'], command: ['run'], workingDir: '/x' })] });
    const out = smp(current, {
      spec: { template: { spec: { containers: [{ name: 'app', args: ['--b'], workingDir: null }] } } },
    });
    expect(podSpec(out).containers[0]).toEqual(app({ args: ['--b'], command: ['run'] }));
  });

  it('deletes a volume and its mount; volumes merge by name, mounts by mountPath', () => {
    const current = deployment({
      containers: [app({ volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'data', mountPath: '/data' }] })],
      volumes: [{ name: 'cfg', configMap: { name: 'c' } }, { name: 'data', emptyDir: {} }],
    });
    const out = smp(current, {
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'app' }],
        '$setElementOrder/volumes': [{ name: 'cfg' }],
        containers: [{ name: 'app', '$setElementOrder/volumeMounts': [{ mountPath: '/etc/cfg' }], volumeMounts: [{ $patch: 'delete', mountPath: '/data' }] }],
        volumes: [{ $patch: 'delete', name: 'data' }],
      } } },
    });
    expect(podSpec(out).volumes).toEqual([{ name: 'cfg', configMap: { name: 'c' } }]);
    expect(podSpec(out).containers[0].volumeMounts).toEqual([{ name: 'cfg', mountPath: '/etc/cfg' }]);
  });

  it('switches a volume source with $retainKeys', () => {
    const current = deployment({ containers: [app()], volumes: [{ name: 'cfg', configMap: { name: 'c', defaultMode: 420 } }] });
    const out = smp(current, {
      spec: { template: { spec: {
        '$setElementOrder/volumes': [{ name: 'cfg' }],
        volumes: [{ $retainKeys: ['name', 'secret'], name: 'cfg', secret: { secretName: 's' }, configMap: null }],
      } } },
    });
    expect(podSpec(out).volumes).toEqual([{ name: 'cfg', secret: { secretName: 's' } }]);
  });

  it('changes the Deployment strategy to Recreate with $retainKeys dropping rollingUpdate', () => {
    const out = smp(deployment({ containers: [app()] }), {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } },
    });
    expect((out.spec as any).strategy).toEqual({ type: 'Recreate' });
  });

  it('$retainKeys that disagrees with the patch content is 422', () => {
    expect(() => smp(deployment({ containers: [app()] }), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } }))
      .toThrow(expect.objectContaining({ code: 422 }));
  });

  it('adds a container, with a new element merged from nothing (directives stripped)', () => {
    const out = smp(deployment({ containers: [app()] }), {
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'init' }, { name: 'app' }],
        containers: [{ name: 'init', image: 'busybox', '$setElementOrder/env': [{ name: 'X' }], env: [{ name: 'X', value: 'y' }] }],
      } } },
    });
    expect(podSpec(out).containers.map((c: any) => c.name)).toEqual(['init', 'app']);
    expect(podSpec(out).containers[0]).toEqual({ name: 'init', image: 'busybox', env: [{ name: 'X', value: 'y' }] });
  });

  it('changes the image and a label, deletes an annotation; server-only env var stays in place', () => {
    const current = deployment({ containers: [app({ env: [{ name: 'A', value: '1' }, { name: 'INJECTED', value: 'x' }, { name: 'B', value: '2' }] })] });
    const out = smp(current, {
      metadata: { labels: { version: '2' }, annotations: { 'meta.helm.sh/release-name': null } },
      spec: { template: { spec: {
        '$setElementOrder/containers': [{ name: 'app' }],
        containers: [{ name: 'app', image: 'nginx:1.26', '$setElementOrder/env': [{ name: 'B' }, { name: 'A' }] }],
      } } },
    });
    expect(out.metadata.labels).toEqual({ app: 'web', 'app.kubernetes.io/managed-by': 'Helm', version: '2' });
    expect(out.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '2' });
    const c = podSpec(out).containers[0];
    expect(c.image).toBe('nginx:1.26');
    // B before A per the patch; INJECTED (server-only) is merged in by server position (strategicpatch's
    // mergeSortedSlice: it sorts before B, which the server had after it).
    expect(c.env.map((e: any) => e.name)).toEqual(['INJECTED', 'B', 'A']);
  });

  it('$patch: replace on a map replaces it; on a merge list replaces the list', () => {
    const current = deployment({ containers: [app({ env: [{ name: 'A', value: '1' }] })], nodeSelector: { a: '1', b: '2' } });
    const out = smp(current, {
      spec: { template: { spec: {
        nodeSelector: { $patch: 'replace', c: '3' },
        containers: [{ $patch: 'replace' }, { name: 'other', image: 'x' }],
      } } },
    });
    expect(podSpec(out).nodeSelector).toEqual({ c: '3' });
    expect(podSpec(out).containers).toEqual([{ name: 'other', image: 'x' }]);
  });

  it('$patch: delete on a map removes the field', () => {
    const out = smp(deployment({ containers: [app()], affinity: { nodeAffinity: {} } }), {
      spec: { template: { spec: { affinity: { $patch: 'delete' } } } },
    });
    expect(podSpec(out).affinity).toBeUndefined();
  });

  it('unknown $patch directive is 400', () => {
    expect(() => smp(deployment({ containers: [app()] }), { spec: { $patch: 'frobnicate' } })).toThrow(expect.objectContaining({ code: 400 }));
  });

  it('a merge-keyed element without its key is a 500 as strategicpatch reports it', () => {
    expect(() => smp(deployment({ containers: [app()] }), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }))
      .toThrow(expect.objectContaining({ code: 500 }));
  });

  it('finalizers merge as a set; $deleteFromPrimitiveList removes members', () => {
    const current = { ...deployment({ containers: [app()] }) };
    current.metadata = { ...current.metadata, finalizers: ['a', 'b'] };
    const out = smp(current, { metadata: { finalizers: ['c', 'a'], '$deleteFromPrimitiveList/finalizers': ['b'] } });
    expect(out.metadata.finalizers).toEqual(['a', 'c']);
    const ordered = smp(current, { metadata: { '$setElementOrder/finalizers': ['b', 'a'] } });
    expect(ordered.metadata.finalizers).toEqual(['b', 'a']);
  });

  it('Service ports merge by port; removing one keeps the other with its server-set nodePort', () => {
    const current: KubeObject = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [
        { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 },
        { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP', nodePort: 30443 },
      ] },
    };
    const out = smp(current, { spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ $patch: 'delete', port: 443 }, { port: 80, targetPort: 9090 }] } }, services);
    expect((out.spec as any).ports).toEqual([{ name: 'http', port: 80, targetPort: 9090, protocol: 'TCP', nodePort: 30080 }]);
    expect((out.spec as any).clusterIP).toBe('10.96.0.10');
  });

  it('lists of a kind without merge metadata are replaced (ConfigMap data map merges)', () => {
    const current: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2' } };
    const out = smp(current, { data: { b: null, c: '3' } }, configmaps);
    expect(out.data).toEqual({ a: '1', c: '3' });
  });

  it('tolerations have no merge key in k8s.io/api: replaced wholesale', () => {
    const current = deployment({ containers: [app()], tolerations: [{ key: 'a', operator: 'Exists' }] });
    const out = smp(current, { spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } } });
    expect(podSpec(out).tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
  });

  it('is 415 UnsupportedMediaType for custom resources', () => {
    const cr: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };
    let error: unknown;
    try { smp(cr, { spec: { a: 1 } }, widgets); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).code).toBe(415);
    expect((error as StatusError).reason).toBe('UnsupportedMediaType');
  });

  it('does not mutate its inputs', () => {
    const current = deployment({ containers: [app({ env: [{ name: 'A', value: '1' }] })] });
    const patch = { spec: { template: { spec: { containers: [{ name: 'app', env: [{ $patch: 'delete', name: 'A' }] }] } } } };
    const c1 = JSON.stringify(current);
    const p1 = JSON.stringify(patch);
    smp(current, patch);
    expect(JSON.stringify(current)).toBe(c1);
    expect(JSON.stringify(patch)).toBe(p1);
  });

  it('a missing object is 404 (only apply creates)', () => {
    expect(() => applyPatch({ contentType: 'application/strategic-merge-patch+json', current: undefined, patch: { metadata: { name: 'x' } }, resource: deployments, now }))
      .toThrow(expect.objectContaining({ code: 404 }));
  });
});
