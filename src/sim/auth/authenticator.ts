/**
 * kube-sim's authentication with `--rbac`: client certificates signed by the simulator's CA (CN = user name,
 * O = groups, as the API server's x509 authenticator reads them) and static bearer tokens (like
 * `--token-auth-file`; a token may stand for a ServiceAccount, `system:serviceaccount:NS:NAME`). Every
 * authenticated user is also in `system:authenticated`. Anything else is 401 (anonymous requests are refused, as
 * with `--anonymous-auth=false`).
 */
import { randomBytes } from 'node:crypto';
import { StatusError } from '../store/errors.js';

/** Who made a request. */
export interface UserInfo {
  name: string;
  groups: string[];
}

/** What the authenticator sees of a request: its Authorization header and the client certificate, if any. */
export interface RequestCredentials {
  authorization?: string;
  /** The peer certificate (Node's getPeerCertificate() shape) and whether it chains to the simulator's CA. */
  peer?: { authorized: boolean; subject?: Record<string, string | string[] | undefined> };
}

/** The group every authenticated user is in. */
export const authenticatedGroup = 'system:authenticated';

const serviceAccountPattern = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The groups a user has: the given ones, the ServiceAccount groups for a ServiceAccount name, system:authenticated. */
export function groupsFor(name: string, groups: string[] = []): string[] {
  const out = [...groups];
  const sa = serviceAccountPattern.exec(name);
  if (sa) out.push('system:serviceaccounts', `system:serviceaccounts:${sa[1]}`);
  if (!out.includes(authenticatedGroup)) out.push(authenticatedGroup);
  return [...new Set(out)];
}

/** The 401 a real API server sends. */
export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Static tokens plus client certificates. */
export class Authenticator {
  private readonly tokens = new Map<string, UserInfo>();

  /** Registers a new random token for `name` (with `groups`); returns the token. */
  issueToken(name: string, groups: string[] = []): string {
    const token = `kube-sim.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { name, groups: groupsFor(name, groups) });
    return token;
  }

  /**
   * The user of a request, or undefined (401). A verified client certificate wins over a token, as the API
   * server's x509 authenticator runs first; a certificate that does not chain to the CA authenticates nobody.
   */
  authenticate(creds: RequestCredentials): UserInfo | undefined {
    const peer = creds.peer;
    if (peer?.authorized && peer.subject) {
      const cn = asList(peer.subject.CN)[0];
      if (cn) return { name: cn, groups: groupsFor(cn, asList(peer.subject.O)) };
    }
    const header = creds.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return undefined;
    const user = this.tokens.get(m[1]);
    return user && { name: user.name, groups: [...user.groups] };
  }
}
