import type { UpgradeEvent } from '../domain/upgrade/events.js';
import { describeFailure } from '../domain/upgrade/events.js';
import type { UpgradeReport } from '../domain/upgrade/report.js';
import { initialViewState, reduceUpgradeEvent, type LogLevel, type UpgradeViewState } from './live/state.js';
import { createPlainRenderer, type PlainRenderer, type TextSink } from './plain-renderer.js';
import { formatElapsed, formatSpan } from './time-format.js';

/** One milestone of the run for the job summary: the plain log's lines without the rollout details. */
export interface TimelineEntry {
  /** Time since the run's first event, in ms. */
  elapsedMs: number;
  level: LogLevel;
  text: string;
}

/** The milestones of a reduced run (what the plain log prints, minus per-workload and per-pod details). */
export function timelineOf(state: UpgradeViewState): TimelineEntry[] {
  const origin = state.originAt?.getTime() ?? 0;
  return state.log.filter((e) => !e.detail).map((e) => ({ elapsedMs: Math.max(0, e.at.getTime() - origin), level: e.level, text: e.text }));
}

/** GitHub workflow-command escaping of a message (the part after `::`). */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub workflow-command escaping of a property value (`title=...`): also `:` and `,`. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The verdict in one word-ish phrase, for headings and titles. */
function verdictOf(report: UpgradeReport): string {
  switch (report.outcome) {
    case 'healthy':
      return 'healthy';
    case 'rolled-back':
      return report.rollback?.toRevision === null ? 'failed, uninstalled' : 'failed, rolled back';
    case 'rollback-failed':
      return 'failed, rollback failed';
    case 'failed-no-rollback':
      return 'failed, not rolled back';
  }
}

/**
 * The `::error` annotation for a run that did not end healthy (undefined for a healthy one): its title names the
 * failure reason, its message what happened and where the release is now.
 */
export function githubErrorAnnotation(report: UpgradeReport): string | undefined {
  if (report.outcome === 'healthy') return undefined;
  const reason = report.failure?.reason ?? 'Failed';
  const title = `helm autorollback: ${reason} in ${report.release} (${report.namespace})`;
  const revision = report.attemptedRevision === null ? 'the upgrade' : `revision ${report.attemptedRevision}`;
  const what = report.failure ? `${describeFailure(report.failure)}: ${report.failure.message}` : 'the upgrade failed';
  const now =
    report.outcome === 'rolled-back'
      ? report.rollback?.toRevision === null
        ? 'the failed first install was uninstalled'
        : `rolled back to revision ${report.rollback?.toRevision}`
      : report.outcome === 'rollback-failed'
        ? 'the rollback FAILED: act now'
        : 'left as it is (rollback disabled)';
  return `::error title=${escapeCommandProperty(title)}::${escapeCommandData(`${revision} failed: ${what}. ${now}`)}`;
}

/** A Markdown table cell: pipes escaped, newlines flattened. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function revisionsText(r: UpgradeReport): string {
  const from = r.fromRevision === null ? 'none (first install)' : String(r.fromRevision);
  const to = r.attemptedRevision === null ? 'not stored' : String(r.attemptedRevision);
  let text = `${from} → ${to}${r.failure ? ' (failed)' : ''}`;
  const rb = r.rollback;
  if (rb && rb.toRevision !== null) text += ` → rollback to ${rb.toRevision}${rb.newRevision === null ? '' : ` as revision ${rb.newRevision}`}`;
  else if (rb) text += ' → uninstalled';
  return text;
}

const ICON: Record<UpgradeReport['outcome'], string> = {
  healthy: '✅',
  'rolled-back': '↩️',
  'rollback-failed': '❌',
  'failed-no-rollback': '❌',
};

/**
 * The Markdown job summary of a run: verdict heading, a table (release, revisions, reason, message, TTD, TTR) and
 * the timeline. The same text goes to $GITHUB_STEP_SUMMARY and to `--summary-file`. Pure.
 */
export function markdownSummary(report: UpgradeReport, timeline: readonly TimelineEntry[]): string {
  const rows: Array<[string, string]> = [
    ['verdict', `**${verdictOf(report)}**`],
    ['release', `\`${report.release}\` (namespace \`${report.namespace}\`)`],
    ['revisions', revisionsText(report)],
  ];
  const f = report.failure;
  if (f) {
    rows.push(['reason', `\`${f.reason}\` in ${f.object}${f.container ? ` (container ${f.container})` : ''}`]);
    if (f.message) rows.push(['message', f.message]);
  }
  if (report.timings.ttdMs !== null) rows.push(['TTD', `${formatSpan(report.timings.ttdMs)} (first signal → detected)`]);
  if (report.timings.ttrMs !== null) {
    rows.push(['TTR', `${formatSpan(report.timings.ttrMs)} (${report.outcome === 'healthy' ? 'upgrade start → healthy' : 'upgrade start → healthy again'})`]);
  }
  const lines = [
    `### ${ICON[report.outcome]} helm autorollback: ${report.release} ${verdictOf(report)}`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`),
    '',
  ];
  if (timeline.length > 0) {
    lines.push('<details><summary>Timeline</summary>', '', '| time | event |', '| --- | --- |');
    for (const t of timeline) lines.push(`| ${formatElapsed(t.elapsedMs)} | ${cell(t.level === 'error' ? `**${t.text}**` : t.text)} |`);
    lines.push('', '</details>', '');
  }
  return `${lines.join('\n')}\n`;
}

/** Options of {@link createCiRenderer}. */
export interface CiRendererOptions {
  color: boolean;
  /** Write GitHub Actions workflow commands: `::group::` per phase and an `::error` annotation on failure. */
  github: boolean;
  /** Called once with the Markdown summary when the run finishes (write it to $GITHUB_STEP_SUMMARY / --summary-file). */
  onSummary?: (markdown: string) => void;
  /**
   * How long the lines before helm stores a revision (the start line, helm's own output) are held back (default
   * 10 s; 0: never). When helm refuses the input before that, the run ends with one error line and the held lines
   * are dropped; otherwise they come out unchanged (they carry their own times) once a revision is seen.
   */
  holdMs?: number;
}

/** Events that come before helm stored anything: held back, since a refusal makes them noise. */
const beforeStoring = new Set<UpgradeEvent['type']>(['started', 'helm-output', 'notice']);

/**
 * The plain log for CI: the same lines as {@link createPlainRenderer}; under GitHub Actions the upgrade and the
 * rollback each in a collapsible group, the final report outside them, then an `::error` annotation naming the
 * failure reason. Hands the Markdown summary to `onSummary` at the end.
 */
export function createCiRenderer(target: TextSink, options: CiRendererOptions): PlainRenderer {
  let held: string[] | undefined = (options.holdMs ?? 10_000) > 0 ? [] : undefined;
  const release = (): void => {
    if (!held) return;
    const lines = held;
    held = undefined;
    clearTimeout(holdTimer);
    if (lines.length > 0) target.write(lines.join(''));
  };
  const holdTimer = held ? setTimeout(release, options.holdMs ?? 10_000) : undefined;
  holdTimer?.unref();
  const out: TextSink = { write: (s) => (held ? held.push(s) : target.write(s)) };
  const plain = createPlainRenderer(out, { color: options.color });
  let state: UpgradeViewState = initialViewState();
  let group = false;
  let closed = false;
  const open = (title: string): void => {
    if (!options.github) return;
    if (group) out.write('::endgroup::\n');
    out.write(`::group::${escapeCommandData(title)}\n`);
    group = true;
  };
  const end = (): void => {
    if (options.github && group) out.write('::endgroup::\n');
    group = false;
  };
  return {
    onEvent(event: UpgradeEvent) {
      if (closed) return;
      if (!beforeStoring.has(event.type)) release();
      if (event.type === 'started') {
        const from = event.fromRevision === undefined ? 'first install' : `from revision ${event.fromRevision}`;
        open(`helm autorollback upgrade ${event.release} (namespace ${event.namespace}, ${from})`);
      } else if (event.type === 'rollback-started') {
        open(`rollback of ${state.release ?? 'the release'} to revision ${event.toRevision}`);
      } else if (event.type === 'uninstall-started') {
        open(`uninstall of the failed first install of ${state.release ?? 'the release'}`);
      } else if (event.type === 'finished') {
        end();
      }
      state = reduceUpgradeEvent(state, event);
      plain.onEvent(event);
      if (event.type === 'finished') {
        const annotation = options.github ? githubErrorAnnotation(event.report) : undefined;
        if (annotation) out.write(`${annotation}\n`);
        options.onSummary?.(markdownSummary(event.report, timelineOf(state)));
      }
    },
    close() {
      // Still holding: the run ended before helm stored anything (its error says why); the start line is noise.
      clearTimeout(holdTimer);
      if (held) {
        held = undefined;
        group = false;
      }
      end();
      closed = true;
      plain.close();
    },
  };
}
