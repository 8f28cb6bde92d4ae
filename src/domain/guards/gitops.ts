import { manifestObjects } from '../manifest/workloads.js';
import { metaOf } from './pod-spec.js';
import type { GuardFinding } from './types.js';

/** Argo CD's annotation tracking (`<app>:<group>/<kind>:<namespace>/<name>`). */
export const ARGO_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
/** Argo CD's label tracking key when configured as `application.instanceLabelKey: argocd.argoproj.io/instance`. */
export const ARGO_INSTANCE_LABEL = 'argocd.argoproj.io/instance';
/** Flux helm-controller's labels on every object of a HelmRelease. */
export const FLUX_HR_NAME = 'helm.toolkit.fluxcd.io/name';
export const FLUX_HR_NAMESPACE = 'helm.toolkit.fluxcd.io/namespace';
/** Flux kustomize-controller's labels. */
export const FLUX_KS_NAME = 'kustomize.toolkit.fluxcd.io/name';
export const FLUX_KS_NAMESPACE = 'kustomize.toolkit.fluxcd.io/namespace';

/** Who owns an object in Git. */
export type GitOpsOwner =
  | { tool: 'argocd'; app: string }
  | { tool: 'flux'; kind: 'hr' | 'ks'; name: string; namespace?: string };

/** An object as the GitOps guard reads it: its kind and metadata (a manifest document or a live object). */
export interface ObjectMeta {
  kind: string;
  metadata: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

/**
 * The GitOps controller an object belongs to, from its tracking metadata: Argo CD's tracking-id annotation, its
 * `argocd.argoproj.io/instance` label, or the default `app.kubernetes.io/instance` label when other Argo CD
 * metadata shows Argo CD manages the object (charts set that label themselves, so alone it proves nothing);
 * Flux's `helm.toolkit.fluxcd.io/name` or `kustomize.toolkit.fluxcd.io/name` labels.
 */
export function gitOpsOwner(obj: Record<string, unknown>): GitOpsOwner | undefined {
  const { labels, annotations } = metaOf(obj);
  const tracking = annotations[ARGO_TRACKING_ID];
  if (tracking) return { tool: 'argocd', app: tracking.split(':')[0] as string };
  if (labels[ARGO_INSTANCE_LABEL]) return { tool: 'argocd', app: labels[ARGO_INSTANCE_LABEL] };
  const argoMeta = [...Object.keys(labels), ...Object.keys(annotations)].some((k) => k.startsWith('argocd.argoproj.io/'));
  if (argoMeta && labels['app.kubernetes.io/instance']) return { tool: 'argocd', app: labels['app.kubernetes.io/instance'] };
  if (labels[FLUX_HR_NAME]) return { tool: 'flux', kind: 'hr', name: labels[FLUX_HR_NAME], ...(labels[FLUX_HR_NAMESPACE] ? { namespace: labels[FLUX_HR_NAMESPACE] } : {}) };
  if (labels[FLUX_KS_NAME]) return { tool: 'flux', kind: 'ks', name: labels[FLUX_KS_NAME], ...(labels[FLUX_KS_NAMESPACE] ? { namespace: labels[FLUX_KS_NAMESPACE] } : {}) };
  return undefined;
}

/** Input of {@link gitOpsFindings}. */
export interface GitOpsInput {
  /** Manifests to read the objects from (the revision the cluster holds now, and the target). */
  manifests: readonly string[];
  /** Live objects, when the caller has them (controllers may label what they apply, not the chart). */
  live?: readonly Record<string, unknown>[];
}

/**
 * GitOps ownership: release objects tracked by Argo CD or Flux. The controller re-applies what Git says and
 * undoes a rollback made by hand, so each owner is a `warn` with the fix: revert in Git, and for Flux suspend
 * the HelmRelease (or Kustomization) first.
 */
export function gitOpsFindings(input: GitOpsInput): GuardFinding[] {
  const owners = new Map<string, { owner: GitOpsOwner; objects: Set<string> }>();
  const objects = [...input.manifests.flatMap((m) => manifestObjects(m)), ...(input.live ?? [])];
  for (const obj of objects) {
    const owner = gitOpsOwner(obj);
    if (!owner) continue;
    const key = owner.tool === 'argocd' ? `argocd/${owner.app}` : `flux/${owner.kind}/${owner.namespace ?? ''}/${owner.name}`;
    const entry = owners.get(key) ?? { owner, objects: new Set<string>() };
    entry.objects.add(`${String(obj.kind)}/${metaOf(obj).name}`);
    owners.set(key, entry);
  }
  return [...owners.values()].map(({ owner, objects: objs }) => {
    const list = [...objs];
    const shown = list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more` : list.join(', ');
    if (owner.tool === 'argocd') {
      return {
        guard: 'gitops' as const,
        severity: 'warn' as const,
        message: `Argo CD application "${owner.app}" tracks ${shown}: with auto-sync it re-applies what Git says and undoes this rollback`,
        objects: list,
        fix: `revert the change in Git (or stop auto-sync first: argocd app set ${owner.app} --sync-policy none)`,
      };
    }
    const ns = owner.namespace ? ` -n ${owner.namespace}` : '';
    const what = owner.kind === 'hr' ? 'HelmRelease' : 'Kustomization';
    return {
      guard: 'gitops' as const,
      severity: 'warn' as const,
      message: `Flux ${what} ${owner.namespace ? `${owner.namespace}/` : ''}${owner.name} manages ${shown}: its next reconcile undoes this rollback`,
      objects: list,
      fix: `revert the change in Git; to hold the rollback until then: flux suspend ${owner.kind} ${owner.name}${ns}`,
    };
  });
}
