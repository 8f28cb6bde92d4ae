/** meta.k8s.io/v1 Table rendering (first version: NAME and AGE only; per-kind columns follow). */
import type { KubeObject, ResourceType } from '../store/types.js';

/** Renders objects as the Table `kubectl get` asks for with `as=Table`. */
export function toTable(type: ResourceType, objects: KubeObject[], now: Date): KubeObject {
  void type;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {} as KubeObject['metadata'],
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'Age', priority: 0 },
    ],
    rows: objects.map((o) => ({
      cells: [o.metadata.name, o.metadata.creationTimestamp ? `${Math.floor((now.getTime() - Date.parse(o.metadata.creationTimestamp)) / 1000)}s` : '<unknown>'],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
