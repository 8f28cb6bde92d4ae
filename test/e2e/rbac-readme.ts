/**
 * The least-privilege Roles of the README's "## RBAC" section, parsed from its YAML blocks, so the RBAC e2e proves
 * exactly what the README says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { PolicyRule } from '../../src/sim/auth/rbac.js';

/** A Role or ClusterRole of the README. */
export interface ReadmeRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  rules: PolicyRule[];
}

/** One rule of a README role, with a stable key naming it (`Role/helm-autorollback: secrets get,list,...`). */
export interface ReadmeRule {
  role: string;
  index: number;
  key: string;
  rule: PolicyRule;
}

function rbacSection(readmePath: string): string {
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf('\n## RBAC\n');
  if (start < 0) throw new Error('README has no "## RBAC" section');
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The rows of the section's table of proofs (lines starting with "| `Role/" or "| `ClusterRole/"). */
export function readmeProofRows(readmePath = join(process.cwd(), 'README.md')): string[] {
  return rbacSection(readmePath)
    .split('\n')
    .filter((l) => /^\| `(Cluster)?Role\//.test(l));
}

/** Every Role and ClusterRole in the YAML blocks of the README's "## RBAC" section, in order. */
export function readmeRoles(readmePath = join(process.cwd(), 'README.md')): ReadmeRole[] {
  const section = rbacSection(readmePath);
  const roles: ReadmeRole[] = [];
  for (const m of section.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    for (const doc of yaml.loadAll(m[1]) as Array<Record<string, unknown> | null>) {
      if (!doc || (doc.kind !== 'Role' && doc.kind !== 'ClusterRole')) continue;
      roles.push({ kind: doc.kind, name: (doc.metadata as { name: string }).name, rules: doc.rules as PolicyRule[] });
    }
  }
  return roles;
}

/** `resources verbs` of a rule, e.g. `apps/deployments,replicasets list,watch`. */
export function ruleKey(rule: PolicyRule): string {
  const groups = (rule.apiGroups ?? []).filter((g) => g !== '');
  const prefix = groups.length ? `${groups.join(',')}/` : '';
  return `${prefix}${(rule.resources ?? rule.nonResourceURLs ?? []).join(',')}${rule.resourceNames ? `[${rule.resourceNames.join(',')}]` : ''} ${(rule.verbs ?? []).join(',')}`;
}

/** Every rule of the given roles, keyed `<Kind>/<name>: <ruleKey>`. */
export function readmeRules(roles: ReadmeRole[]): ReadmeRule[] {
  return roles.flatMap((r) => r.rules.map((rule, index) => ({ role: `${r.kind}/${r.name}`, index, key: `${r.kind}/${r.name}: ${ruleKey(rule)}`, rule })));
}
