import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The context (and cluster and user) name of the simulator's kubeconfig. */
export const simContextName = 'autorollback-sim';

/** A kubeconfig pointing at the simulator: no credentials, namespace default. */
export function simKubeconfig(serverUrl: string, namespace = 'default'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${simContextName}`,
    '  cluster:',
    `    server: ${serverUrl}`,
    // client-node refuses plain http unless TLS verification is (vacuously) skipped; helm and kubectl accept it.
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${simContextName}`,
    '  user: {}',
    'contexts:',
    `- name: ${simContextName}`,
    '  context:',
    `    cluster: ${simContextName}`,
    `    user: ${simContextName}`,
    `    namespace: ${namespace}`,
    `current-context: ${simContextName}`,
    'preferences: {}',
    '',
  ].join('\n');
}

/** Writes the kubeconfig with mode 0600 (helm warns about group-readable kubeconfigs). */
export function writeSimKubeconfig(path: string, serverUrl: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, simKubeconfig(serverUrl), { mode: 0o600 });
}
