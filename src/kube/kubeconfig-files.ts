import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { UsageError } from '../errors/errors.js';

// Where kubeconfig comes from and which namespace applies, shared by the client-node loader (kubeconfig.ts) and
// the light reader (rest/lite-kubeconfig.ts); imports no Kubernetes client.

/**
 * The namespace a command works in: `-n/--namespace` flag, else `$HELM_NAMESPACE`, else the context's
 * namespace, else "default" (helm's order).
 */
export function resolveNamespace(
  flag: string | undefined,
  loaded: { contextNamespace?: string },
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return nonEmpty(flag) ?? nonEmpty(env.HELM_NAMESPACE) ?? nonEmpty(loaded.contextNamespace) ?? 'default';
}

/** Where to look: `--kubeconfig`, else `$KUBECONFIG` (a path list), else `~/.kube/config`; `origin` for messages. */
export function candidateFiles(options: { kubeconfig?: string; home?: string }, env: Readonly<Record<string, string | undefined>>) {
  if (options.kubeconfig !== undefined) {
    if (options.kubeconfig.trim() === '') throw new UsageError('--kubeconfig is empty');
    return { files: [options.kubeconfig], origin: '--kubeconfig' };
  }
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.trim() !== '');
  if (list.length > 0) return { files: [...new Set(list)], origin: 'KUBECONFIG' };
  return { files: [join(options.home ?? homedir(), '.kube', 'config')], origin: 'the default location' };
}

/** The value, unless undefined or blank. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
