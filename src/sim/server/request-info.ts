/** What an API request addresses, parsed from its path like the API server's RequestInfoFactory. */
export interface ResourceRequest {
  group: string;
  version: string;
  /** Plural resource name from the URL. */
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** `/watch/` legacy path prefix was used. */
  legacyWatch: boolean;
}

/** Namespace subresources that stay on the namespace itself (`/api/v1/namespaces/x/status`). */
const namespaceSubresources = new Set(['status', 'finalize']);

/**
 * Parses `/api/v1/...` and `/apis/<group>/<version>/...` resource paths; returns undefined for anything else
 * (discovery documents, non-resource paths).
 */
export function parseResourcePath(pathname: string): ResourceRequest | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
    if (rest.length === 0) return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  if (rest.length > 3) return undefined;
  return { group, version, resource: rest[0], name: rest[1], subresource: rest[2], namespace, legacyWatch };
}
