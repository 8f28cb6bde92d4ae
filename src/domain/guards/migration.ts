import { manifestObjects } from '../manifest/workloads.js';
import type { Hook, Release } from '../release/release.js';
import { containersOf, metaOf, podSpecOf } from './pod-spec.js';
import type { GuardFinding, MigrationPolicy } from './types.js';
import { rollbackHooks } from './hooks.js';

/** The annotation that marks a hook as a migration (`"true"`) or as surely not one (`"false"`). */
export const MIGRATION_ANNOTATION = 'autorollback.helm.sh/migration';

/** Hook events on which a chart runs its migrations. */
const MIGRATION_EVENTS = ['pre-install', 'post-install', 'pre-upgrade', 'post-upgrade'];

/**
 * Known migration tools: a name and what gives them away in a container's image (repository path) or in its
 * command line (command and args joined with spaces).
 */
const TOOLS: ReadonlyArray<{ tool: string; image?: RegExp; command?: RegExp }> = [
  { tool: 'flyway', image: /(^|[/_-])flyway([/_-]|$)/, command: /\bflyway\b/ },
  { tool: 'liquibase', image: /(^|[/_-])liquibase([/_-]|$)/, command: /\bliquibase\b/ },
  { tool: 'alembic', command: /\balembic\b/ },
  { tool: 'atlas', image: /(^|\/)(arigaio\/)?atlas$/, command: /\batlas\s+(migrate|schema)\b/ },
  { tool: 'golang-migrate', image: /(^|\/)migrate\/migrate$/, command: /(^|\s|\/)migrate\s.*\b(up|goto)\b/ },
  { tool: 'prisma', command: /\bprisma\s+(migrate|db\s+push)\b/ },
  { tool: 'knex', command: /\bknex\s+migrate[:\s]/ },
  { tool: 'rails', command: /\b(rails|rake)\s+db:(migrate|schema:load|prepare)\b/ },
  { tool: 'django', command: /\bmanage\.py\s+migrate\b/ },
  { tool: 'goose', image: /(^|[/_-])goose$/, command: /\bgoose\b.*\b(up|up-by-one|up-to)\b/ },
  { tool: 'sqitch', image: /(^|[/_-])sqitch$/, command: /\bsqitch\s+deploy\b/ },
  { tool: 'dbmate', image: /(^|[/_-])dbmate$/, command: /\bdbmate\s+(up|migrate)\b/ },
  { tool: 'sequelize', command: /\bsequelize(-cli)?\s+db:migrate\b/ },
  { tool: 'typeorm', command: /\btypeorm\b.*\bmigration:run\b/ },
  { tool: 'ecto', command: /\becto\.migrate\b/ },
  { tool: 'doctrine', command: /\bdoctrine:migrations:migrate\b/ },
  { tool: 'laravel', command: /\bartisan\s+migrate\b/ },
  { tool: 'diesel', command: /\bdiesel\s+migration\s+run\b/ },
  { tool: 'sqlx', command: /\bsqlx\s+migrate\s+run\b/ },
  { tool: 'schemahero', image: /(^|[/_-])schemahero$/ },
  // Last: a command line that says `migrate` as a word (`npm run migrate`, `./app migrate up`).
  { tool: 'a migrate command', command: /(^|[\s/:])migrate(\s|$)/ },
];

/** Why a hook looks like a migration: the annotation, a known tool, or its name. */
export interface MigrationSign {
  /** `annotation`, a tool name (`flyway`...), or `name` (the hook is called *migrat*). */
  by: string;
}

/**
 * Whether a hook looks like a database migration: a Job or Pod hook annotated `autorollback.helm.sh/migration:
 * "true"`, or running a known migration tool (image or command line), or named like one (`db-migrate`). The
 * annotation `"false"` overrides every heuristic. Hooks of other kinds never are.
 */
export function migrationSign(hook: Pick<Hook, 'kind' | 'name' | 'manifest'>): MigrationSign | undefined {
  if (hook.kind !== 'Job' && hook.kind !== 'Pod') return undefined;
  const objects = manifestObjects(hook.manifest);
  for (const obj of objects) {
    const flag = metaOf(obj).annotations[MIGRATION_ANNOTATION]?.trim().toLowerCase();
    if (flag === 'false') return undefined;
    if (flag === 'true') return { by: 'annotation' };
  }
  for (const obj of objects) {
    const spec = podSpecOf(obj);
    for (const c of spec ? containersOf(spec) : []) {
      const image = imageRepository(c.image);
      const line = [...words(c.command), ...words(c.args)].join(' ');
      const found = TOOLS.find((t) => (t.image && image && t.image.test(image)) || (t.command && line && t.command.test(line)));
      if (found) return { by: found.tool };
    }
  }
  return /migrat/i.test(hook.name) ? { by: 'name' } : undefined;
}

/** Input of {@link migrationFindings}. */
export interface MigrationInput {
  /** The rollback target, decoded. */
  target: Release;
  /** The decoded revisions the rollback crosses: (target, current], any order. */
  crossed: readonly Release[];
  policy: MigrationPolicy;
}

/**
 * The migration trap: each migration hook of a crossed revision that ran (its schema change stays after the
 * rollback: helm runs only the target's pre-rollback/post-rollback hooks) is a `warn`, or a `block` under
 * `--migration-policy block`; one that never ran is `info`. Each message says whether the target has a
 * pre-rollback hook.
 */
export function migrationFindings(input: MigrationInput): GuardFinding[] {
  const { target } = input;
  const preRollback = rollbackHooks(target).filter((h) => h.events.includes('pre-rollback'));
  const tail = preRollback.length > 0
    ? `revision ${target.revision} has a pre-rollback hook (${preRollback.map((h) => `${h.kind}/${h.name}`).join(', ')}) that runs first`
    : `revision ${target.revision} has no pre-rollback hook, so nothing undoes it`;
  const findings: GuardFinding[] = [];
  for (const rel of [...input.crossed].sort((a, b) => a.revision - b.revision)) {
    for (const hook of rel.hooks) {
      const events = hook.events.filter((e) => MIGRATION_EVENTS.includes(e));
      if (events.length === 0) continue;
      const sign = migrationSign(hook);
      if (!sign) continue;
      const what = `revision ${rel.revision}'s ${events.join('/')} hook ${hook.kind}/${hook.name} (${sign.by === 'annotation' ? `${MIGRATION_ANNOTATION}: "true"` : sign.by === 'name' ? 'named like a migration' : sign.by})`;
      const ran = hookRan(hook, rel);
      if (!ran) {
        findings.push({ guard: 'migration', severity: 'info', message: `${what} looks like a migration but never ran`, objects: [`${hook.kind}/${hook.name}`] });
        continue;
      }
      findings.push({
        guard: 'migration',
        severity: input.policy === 'block' ? 'block' : 'warn',
        message: `${what} ran${hook.lastRun.phase === 'Unknown' ? '' : ` (${hook.lastRun.phase})`}: rolling back to revision ${target.revision} does not undo its schema change; ${tail}`,
        objects: [`${hook.kind}/${hook.name}`],
        fix: input.policy === 'block'
          ? `check that revision ${target.revision} works with the migrated schema (or migrate down first), then rerun with --migration-policy warn`
          : `check that revision ${target.revision} works with the migrated schema, or migrate down first`,
      });
    }
  }
  return findings;
}

/**
 * Whether a hook of this revision has run: helm records its last run; a revision created by a rollback carries
 * its target's hooks without running the upgrade ones.
 */
function hookRan(hook: Hook, rel: Release): boolean {
  if (hook.lastRun.phase !== 'Unknown' || hook.lastRun.startedAt !== undefined) return true;
  if (/^Rollback to \d+/.test(rel.description)) return false;
  // Older records may carry no run at all; a revision that went live ran its pre-* hooks.
  return (rel.status === 'deployed' || rel.status === 'superseded') && hook.events.some((e) => e.startsWith('pre-'));
}

function imageRepository(image: string | undefined): string {
  if (!image) return '';
  const noDigest = image.split('@')[0] as string;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return (colon > slash ? noDigest.slice(0, colon) : noDigest).toLowerCase();
}

function words(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}
