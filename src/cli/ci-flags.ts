import { appendFileSync, writeFileSync } from 'node:fs';
import { Flags } from '@oclif/core';

/** `--summary-file`, for commands that end with a report (upgrade; the watchdog may reuse it). */
export const ciFlags = {
  'summary-file': Flags.string({
    description: 'also write the run\'s Markdown summary (verdict, revisions, reason, timeline, TTD/TTR) to this file (GitLab, Jenkins, ...)',
  }),
};

/** What the CI renderer needs from the command line and the environment. */
export interface CiOutputOptions {
  /** Running under GitHub Actions (`GITHUB_ACTIONS=true`, as the runner sets it): groups and annotations. */
  github: boolean;
  /** Writes the Markdown summary where it was asked for; undefined when nowhere. */
  onSummary?: (markdown: string) => void;
}

/**
 * Where the summary goes: appended to `$GITHUB_STEP_SUMMARY` under GitHub Actions (the runner shows it on the
 * job's page), written to `--summary-file`. A summary that cannot be written is a warning on stderr, never a
 * different exit code: the upgrade's outcome is what the job acts on.
 */
export function ciOutputOptions(flags: { 'summary-file'?: string }, env: NodeJS.ProcessEnv, warn: (line: string) => void): CiOutputOptions {
  const github = env.GITHUB_ACTIONS === 'true';
  const targets: Array<{ path: string; append: boolean }> = [];
  if (github && env.GITHUB_STEP_SUMMARY) targets.push({ path: env.GITHUB_STEP_SUMMARY, append: true });
  if (flags['summary-file']) targets.push({ path: flags['summary-file'], append: false });
  if (targets.length === 0) return { github };
  return {
    github,
    onSummary: (markdown) => {
      for (const t of targets) {
        try {
          (t.append ? appendFileSync : writeFileSync)(t.path, markdown);
        } catch (error) {
          const e = error as NodeJS.ErrnoException;
          warn(`warning: could not write the summary to ${t.path}: ${e.code ?? e.message ?? String(error)}`);
        }
      }
    },
  };
}
