import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { candidateFiles, nonEmpty } from '../kubeconfig-files.js';

/**
 * The light reader's view of a kubeconfig: enough to send authenticated GETs to the API server, for the read-only
 * commands that must start fast (`history`, the picker's first frame). It covers the common shapes only: a
 * server with a CA (file or data) or insecure-skip-tls-verify, and a user with a bearer token (or tokenFile), a
 * client certificate, or nothing. Anything else (exec plugins, auth providers, proxies, impersonation, relative
 * file paths, in-cluster config, a missing file or context) yields undefined, and the caller uses the full
 * client-node loader, which also owns every error message about a bad kubeconfig.
 */
export interface LiteKubeConfig {
  /** API server URL, without a trailing slash. */
  server: string;
  /** The namespace the context names, if any. */
  contextNamespace?: string;
  /** TLS material and checking, as node:https takes them. */
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean };
  /** `Authorization` header value, if any. */
  authorization?: string;
}

/** Where to read the kubeconfig from; the same fallbacks as loadKubeConfig. */
export interface LiteKubeConfigOptions {
  kubeconfig?: string;
  context?: string;
  env?: Readonly<Record<string, string | undefined>>;
  home?: string;
}

type Named = { name?: unknown; cluster?: unknown; user?: unknown; context?: unknown };
type Doc = { clusters?: unknown; users?: unknown; contexts?: unknown; 'current-context'?: unknown };

const clusterKeys = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify']);
const userKeys = new Set(['token', 'tokenFile', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data']);

/** The kubeconfig in the light reader's terms, or undefined when it needs the full client (see LiteKubeConfig). */
export function loadLiteKubeConfig(options: LiteKubeConfigOptions = {}): LiteKubeConfig | undefined {
  try {
    return load(options);
  } catch {
    return undefined; // the full loader reads it again and says what is wrong
  }
}

function load(options: LiteKubeConfigOptions): LiteKubeConfig | undefined {
  const env = options.env ?? process.env;
  const present = candidateFiles(options, env).files.filter((f) => existsSync(f));
  // A folder in the list is an error for the full loader: let it say so.
  if (present.length === 0 || present.some((f) => !statSync(f).isFile())) return undefined;
  // client-go's merge rule: the first file that names a cluster/user/context or sets current-context wins.
  const clusters = new Map<string, Record<string, unknown>>();
  const users = new Map<string, Record<string, unknown>>();
  const contexts = new Map<string, Record<string, unknown>>();
  let current: string | undefined;
  for (const file of present) {
    const doc = loadYaml(readFileSync(file, 'utf8')) as Doc | null;
    if (!isRecord(doc)) return undefined;
    if (!addNamed(clusters, doc.clusters, 'cluster') || !addNamed(users, doc.users, 'user') || !addNamed(contexts, doc.contexts, 'context')) return undefined;
    current ??= nonEmpty(typeof doc['current-context'] === 'string' ? doc['current-context'] : undefined);
  }
  const name = options.context ?? nonEmpty(env.HELM_KUBECONTEXT) ?? current;
  const context = name === undefined ? undefined : contexts.get(name);
  if (!context || typeof context.cluster !== 'string') return undefined;
  const cluster = clusters.get(context.cluster);
  const user = typeof context.user === 'string' ? users.get(context.user) : {};
  if (!cluster || !user || typeof cluster.server !== 'string' || !/^https?:\/\//.test(cluster.server)) return undefined;
  if (Object.keys(context).some((k) => !['cluster', 'user', 'namespace'].includes(k))) return undefined;
  if (!onlyKeys(cluster, clusterKeys) || !onlyKeys(user, userKeys)) return undefined;
  const tls: LiteKubeConfig['tls'] = { rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true };
  const ca = material(cluster, 'certificate-authority');
  const cert = material(user, 'client-certificate');
  const key = material(user, 'client-key');
  if (ca === null || cert === null || key === null || (cert === undefined) !== (key === undefined)) return undefined;
  if (ca) tls.ca = ca;
  if (cert && key) Object.assign(tls, { cert, key });
  const token = str(user.token) ?? (str(user.tokenFile) === undefined ? undefined : fileText(str(user.tokenFile)!));
  if (token === null) return undefined;
  const out: LiteKubeConfig = { server: cluster.server.replace(/\/+$/, ''), tls };
  if (token) out.authorization = `Bearer ${token}`;
  if (typeof context.namespace === 'string' && context.namespace !== '') out.contextNamespace = context.namespace;
  return out;
}

function addNamed(into: Map<string, Record<string, unknown>>, list: unknown, field: 'cluster' | 'user' | 'context'): boolean {
  if (list === undefined || list === null) return true;
  if (!Array.isArray(list)) return false;
  for (const item of list as Named[]) {
    if (!isRecord(item) || typeof item.name !== 'string') return false;
    const value = item[field] ?? {};
    if (!isRecord(value)) return false;
    // What client-node refuses in any entry (used or not) is left to it, so both accept the same files.
    if (field === 'cluster' && typeof value.server !== 'string') return false;
    if (field === 'context' && typeof value.cluster !== 'string') return false;
    if (!into.has(item.name)) into.set(item.name, value);
  }
  return true;
}

/** `<key>-data` (base64) or `<key>` (an absolute file path): the bytes, undefined when neither, null when unusable. */
function material(entry: Record<string, unknown>, key: string): Buffer | undefined | null {
  const data = str(entry[`${key}-data`]);
  if (data !== undefined) return Buffer.from(data, 'base64');
  const file = str(entry[key]);
  if (file === undefined) return undefined;
  return isAbsolute(file) ? readFileSync(file) : null;
}

function fileText(file: string): string | null {
  if (!isAbsolute(file)) return null;
  return readFileSync(file, 'utf8').trim();
}

function onlyKeys(entry: Record<string, unknown>, allowed: Set<string>): boolean {
  return Object.entries(entry).every(([k, v]) => allowed.has(k) || v === undefined || v === null || v === '');
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
