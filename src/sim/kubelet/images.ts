import { createHash } from 'node:crypto';

/**
 * Image references as containerd and the kubelet treat them: validation (InvalidImageName), normalisation
 * (`nginx` -> `docker.io/library/nginx:latest`) and the digests reported as imageID.
 */

const component = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainPart = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainPart}(?:\\.${domainPart})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referencePattern = new RegExp(`^(?:(${domain})/)?(${component}(?:/${component})*)(?::(${tag}))?(?:@(${digest}))?$`);

/** A parsed, normalised image reference. */
export interface ImageReference {
  /** `docker.io/library/nginx:1.25` (or `...@sha256:...` when pinned by digest). */
  normalized: string;
  /** `docker.io/library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Parses an image reference; returns the kubelet's InvalidImageName message for a malformed one, e.g.
 * `couldn't parse image name "Foo": invalid reference format: repository name must be lowercase`.
 */
export function parseImage(image: string): ImageReference | { error: string } {
  const m = referencePattern.exec(image);
  if (!m || image.length === 0) {
    const lowered = image.toLowerCase();
    const lowercaseWouldFix = lowered !== image && referencePattern.test(lowered);
    const why = lowercaseWouldFix ? 'invalid reference format: repository name must be lowercase' : 'invalid reference format';
    return { error: `couldn't parse image name "${image}": ${why}` };
  }
  let host: string | undefined = m[1];
  let path = m[2];
  const [, , , imageTag, imageDigest] = m;
  // The first component is a registry only if it looks like a host: a dot, a port, localhost or upper case.
  if (host && !/[.:[]/.test(host) && host !== 'localhost' && host === host.toLowerCase()) {
    path = `${host}/${path}`;
    host = undefined;
  }
  const registry = host ?? 'docker.io';
  const repoPath = registry === 'docker.io' && !path.includes('/') ? `library/${path}` : path;
  const repository = `${registry}/${repoPath}`;
  const effectiveTag = imageTag ?? (imageDigest ? undefined : 'latest');
  const normalized = `${repository}${effectiveTag ? `:${effectiveTag}` : ''}${imageDigest ? `@${imageDigest}` : ''}`;
  return { normalized, repository, ...(effectiveTag ? { tag: effectiveTag } : {}), ...(imageDigest ? { digest: imageDigest } : {}) };
}

/** The imageID containerd reports: `docker.io/library/nginx@sha256:<digest>` (a stable fake digest per reference). */
export function imageId(ref: ImageReference): string {
  return `${ref.repository}@${ref.digest ?? `sha256:${sha256(ref.normalized)}`}`;
}

/** A stable fake image size in bytes, for the Pulled event. */
export function imageSize(ref: ImageReference): number {
  return 20_000_000 + (parseInt(sha256(ref.normalized).slice(0, 8), 16) % 80_000_000);
}

/** The pull policy the API server defaults: Always for `:latest` or untagged images, else IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const ref = parseImage(image);
  if ('error' in ref) return 'IfNotPresent';
  return ref.digest || (ref.tag && ref.tag !== 'latest') ? 'IfNotPresent' : 'Always';
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
