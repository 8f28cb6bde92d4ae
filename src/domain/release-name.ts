import { UsageError } from '../errors/errors.js';

/** helm's limit on release names (chartutil.ValidateReleaseName): names end up in labels and object names. */
export const maxReleaseNameLength = 53;

/** helm's release-name pattern: DNS-1123 labels joined by dots. */
export const releaseNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Why helm would reject `name` as a release name, or undefined when it would accept it.
 * Same rules as helm 3 and 4: non-empty, at most 53 characters, matching releaseNamePattern.
 */
export function releaseNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.length > maxReleaseNameLength) return `it is ${name.length} characters long, helm allows at most ${maxReleaseNameLength}`;
  if (releaseNamePattern.test(name)) return undefined;
  if (/[A-Z]/.test(name)) return 'it has uppercase letters; helm allows only lowercase letters, digits, "-" and "."';
  if (/[^-a-z0-9.]/.test(name)) return 'it has characters other than lowercase letters, digits, "-" and "."';
  return 'each dot-separated part must start and end with a lowercase letter or digit';
}

/** Throws a one-line UsageError (exit 2) when helm would reject `name` as a release name. */
export function validateReleaseName(name: string): void {
  const problem = releaseNameProblem(name);
  if (problem !== undefined) {
    throw new UsageError(`invalid release name ${JSON.stringify(truncate(name))}: ${problem}`);
  }
}

// Keep the error on one readable line even for absurd input.
function truncate(name: string): string {
  const oneLine = name.replace(/[\r\n]+/g, ' ');
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}
