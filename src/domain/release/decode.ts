import { gunzipSync } from 'node:zlib';
import { toReleaseStatus, type Hook, type HookPhase, type Release } from './release.js';

/** A release record body that cannot be read as a helm release; the message says which layer failed. */
export class ReleaseDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReleaseDecodeError';
  }
}

const gzipMagic = [0x1f, 0x8b, 0x08];
// A record is base64 once (ConfigMap driver, or a Secret's data read as bytes) or twice (a Secret's data as
// the JSON API and client-node hand it over). More layers than this is not something helm writes.
const maxBase64Layers = 3;

/**
 * Decodes the `release` entry of a helm release record into a typed Release.
 *
 * Accepts every shape helm writes and every way it reaches us: base64(gzip(JSON)) (ConfigMap `data.release`),
 * the same base64-encoded again (Secret `data.release` through the JSON API / client-node), uncompressed legacy
 * records (JSON without gzip, which helm still reads when the bytes do not start with 1f 8b 08), and raw bytes.
 * Throws ReleaseDecodeError naming the failing layer.
 */
export function decodeReleasePayload(payload: string | Uint8Array): Release {
  let bytes: Buffer = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  for (let layer = 0; layer <= maxBase64Layers; layer++) {
    if (isGzip(bytes)) return releaseFromJsonText(gunzip(bytes));
    if (firstNonSpace(bytes) === 0x7b /* { */) return releaseFromJsonText(bytes.toString('utf8'));
    if (layer === maxBase64Layers) break;
    bytes = base64Decode(bytes);
  }
  throw new ReleaseDecodeError(`still not gzip or JSON after ${maxBase64Layers} base64 layers`);
}

/** Reads helm's release JSON text (already un-based64'd and gunzipped). */
export function releaseFromJsonText(text: string): Release {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ReleaseDecodeError(`not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return releaseFromJson(parsed);
}

/**
 * Maps helm's release JSON object (field names from helm's Go structs: `name`, `info.status`,
 * `info.first_deployed`, `chart.metadata`, `config`, `manifest`, `hooks[].last_run.phase`, `version`,
 * `namespace`) onto Release. Tolerates what helm tolerates: missing info/chart, zero times written as "".
 */
export function releaseFromJson(json: unknown): Release {
  if (!isObject(json)) throw new ReleaseDecodeError('release JSON is not an object');
  const name = json.name;
  const revision = json.version;
  if (typeof name !== 'string' || name === '') throw new ReleaseDecodeError('release JSON has no "name"');
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 1) {
    throw new ReleaseDecodeError(`release JSON for "${name}" has no valid "version" (revision)`);
  }
  const info = isObject(json.info) ? json.info : {};
  const chart = isObject(json.chart) ? json.chart : {};
  const meta = isObject(chart.metadata) ? chart.metadata : {};
  const release: Release = {
    name,
    namespace: str(json.namespace),
    revision,
    status: toReleaseStatus(info.status),
    chart: { name: str(meta.name), version: str(meta.version), appVersion: str(meta.appVersion) },
    description: str(info.description),
    values: isObject(json.config) ? json.config : {},
    manifest: str(json.manifest),
    hooks: Array.isArray(json.hooks) ? json.hooks.filter(isObject).map(hookFromJson) : [],
    labels: {},
  };
  setIfDefined(release, 'firstDeployed', goTime(info.first_deployed));
  setIfDefined(release, 'lastDeployed', goTime(info.last_deployed));
  setIfDefined(release, 'deleted', goTime(info.deleted));
  if (isObject(chart.values)) release.chartValues = chart.values;
  if (typeof json.apply_method === 'string' && json.apply_method !== '') release.applyMethod = json.apply_method;
  return release;
}

function hookFromJson(json: Record<string, unknown>): Hook {
  const lastRun = isObject(json.last_run) ? json.last_run : {};
  const hook: Hook = {
    name: str(json.name),
    kind: str(json.kind),
    path: str(json.path),
    manifest: str(json.manifest),
    events: strings(json.events),
    lastRun: { phase: hookPhase(lastRun.phase) },
    weight: typeof json.weight === 'number' ? json.weight : 0,
    deletePolicies: strings(json.delete_policies),
  };
  setIfDefined(hook.lastRun, 'startedAt', goTime(lastRun.started_at));
  setIfDefined(hook.lastRun, 'completedAt', goTime(lastRun.completed_at));
  return hook;
}

function hookPhase(value: unknown): HookPhase {
  return value === 'Running' || value === 'Succeeded' || value === 'Failed' ? value : 'Unknown';
}

// Go writes time.Time as RFC 3339 with up to 9 fractional digits; helm 3 writes zero times as "" and some
// encoders write Go's zero time 0001-01-01T00:00:00Z. Both mean "not set".
function goTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '' || value.startsWith('0001-01-01')) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 3 && gzipMagic.every((b, i) => bytes[i] === b);
}

function gunzip(bytes: Buffer): string {
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch (err) {
    throw new ReleaseDecodeError(`corrupt gzip data: ${(err as Error).message}`, { cause: err });
  }
}

function firstNonSpace(bytes: Buffer): number | undefined {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b;
  return undefined;
}

// Node's base64 decoder silently skips invalid characters; check first so garbage is reported as such.
function base64Decode(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1').replace(/\s+/g, '');
  if (text === '') throw new ReleaseDecodeError('empty record');
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new ReleaseDecodeError('neither gzip, JSON nor base64');
  }
  return Buffer.from(text, 'base64');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function setIfDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
