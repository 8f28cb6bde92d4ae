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

/** A user of a kubeconfig with credentials: a bearer token, or a client certificate and its key (PEM). */
export interface KubeconfigUser {
  name: string;
  token?: string;
  cert?: { cert: string; key: string };
}

/** The context (and user) name of a simulator user: `autorollback-sim-<name>`, `:` and the like made `-`. */
export function simContextFor(user: string): string {
  return `${simContextName}-${user.replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * A kubeconfig for an HTTPS simulator (`--rbac`): the CA as certificate-authority-data, one user and context per
 * entry (contexts named by `contextName`), `current` the current context's user.
 */
export function simKubeconfigWithUsers(
  serverUrl: string,
  caPem: string,
  users: KubeconfigUser[],
  current: string,
  contextName: (user: string) => string = simContextFor,
  namespace = 'default',
): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:', `- name: ${simContextName}`, '  cluster:', `    server: ${serverUrl}`, `    certificate-authority-data: ${b64(caPem)}`, 'users:'];
  for (const u of users) {
    lines.push(`- name: ${JSON.stringify(contextName(u.name))}`, '  user:');
    if (u.token) lines.push(`    token: ${u.token}`);
    if (u.cert) lines.push(`    client-certificate-data: ${b64(u.cert.cert)}`, `    client-key-data: ${b64(u.cert.key)}`);
    if (!u.token && !u.cert) lines[lines.length - 1] = '  user: {}';
  }
  lines.push('contexts:');
  for (const u of users) {
    const name = JSON.stringify(contextName(u.name));
    lines.push(`- name: ${name}`, '  context:', `    cluster: ${simContextName}`, `    user: ${name}`, `    namespace: ${namespace}`);
  }
  lines.push(`current-context: ${JSON.stringify(contextName(current))}`, 'preferences: {}', '');
  return lines.join('\n');
}

/** Writes a kubeconfig text with mode 0600. */
export function writeKubeconfigText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o600 });
}
