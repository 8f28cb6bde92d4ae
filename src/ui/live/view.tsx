// The live part of the TUI: drawn from the reducer's state, redrawn on every change. Thin components; all
// decisions about what changed live in state.ts, all sizing in layout.ts.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { PodProgress, WarningEvent, WorkloadProgress } from '../../domain/health/types.js';
import { describeFailure } from '../../domain/upgrade/events.js';
import { workloadFraction } from '../../domain/upgrade/progress.js';
import type { UpgradeReport } from '../../domain/upgrade/report.js';
import { reportLines } from '../report-text.js';
import { formatCountdown, formatElapsed } from '../time-format.js';
import { allocateRows, fitList, progressBar, truncateMiddle } from './layout.js';
import {
  activeRollout,
  isRoutineReason,
  goneWorkloads,
  oneLine,
  stageOf,
  workloadId,
  workloadStatus,
  type LogEntry,
  type LogLevel,
  type Stage,
  type UpgradeViewState,
  type VerdictView,
} from './state.js';

/** Props of {@link LiveUpgradeView}. */
export interface LiveUpgradeViewProps {
  state: UpgradeViewState;
  /** The time to draw (clock, countdown); undefined before the first event. */
  now?: Date;
  /** Terminal width. Default 80. */
  columns?: number;
  /** Terminal height; the view uses at most `rows - 1` lines so Ink never has to clear the screen. Default 24. */
  rows?: number;
  /** Colour (default true). */
  color?: boolean;
}

type Paint = (level: LogLevel | 'dim' | 'accent') => { color?: string; dimColor?: boolean; bold?: boolean };

function painter(color: boolean): Paint {
  return (level) => {
    if (!color) return {};
    switch (level) {
      case 'error':
        return { color: 'red', bold: true };
      case 'warn':
        return { color: 'yellow' };
      case 'success':
        return { color: 'green' };
      case 'dim':
        return { dimColor: true };
      case 'accent':
        return { color: 'cyan', bold: true };
      case 'info':
        return {};
    }
  };
}

/** One row of text that never wraps: narrow terminals cut it instead of breaking the layout. */
function Line({ children, ...style }: { children: ReactNode; color?: string; dimColor?: boolean; bold?: boolean }) {
  return (
    <Text wrap="truncate-end" {...style}>
      {children}
    </Text>
  );
}

/** The live view of an upgrade: header, rollout (workloads, pods, warnings), verdict, rollback, summary. */
export function LiveUpgradeView({ state, now, columns = 80, rows = 24, color = true }: LiveUpgradeViewProps) {
  const paint = painter(color);
  const width = Math.max(20, columns);
  const stage = stageOf(state);
  const { phase, view } = activeRollout(state);
  const progress = view.progress;

  if (state.report) {
    return (
      <Box flexDirection="column" width={width}>
        <Header state={state} stage={stage} now={now} columns={width} paint={paint} />
        <Summary report={state.report} paint={paint} />
      </Box>
    );
  }

  const failure = state.upgrade.verdict?.state === 'failed' ? state.upgrade.verdict : undefined;
  const fixed = 2 + (failure ? 3 : 0) + (state.rollback.kind ? 1 : 0);
  const budget = allocateRows(Math.max(0, rows - 1 - fixed), {
    workloads: progress?.workloads.length ?? 0,
    pods: progress?.pods.length ?? 0,
    warnings: progress?.warnings.length ?? 0,
  });
  const podsTitle =
    phase === 'rollback'
      ? `Pods of the rollback${state.rollback.newRevision ? ` (revision ${state.rollback.newRevision})` : ''}`
      : `Pods of revision ${state.revision ?? '?'}`;

  return (
    <Box flexDirection="column" width={width}>
      <Header state={state} stage={stage} now={now} columns={width} paint={paint} />
      {progress && budget.workloads > 0 ? (
        <Workloads items={progress.workloads} gone={goneWorkloads(activeRollout(state).view.logged)} rows={budget.workloads} width={width} paint={paint} />
      ) : null}
      {progress && budget.pods > 0 ? (
        <Pods title={podsTitle} items={progress.pods} rows={budget.pods} width={width} paint={paint} />
      ) : null}
      {progress && budget.warnings > 0 ? (
        <Warnings items={progress.warnings} rows={budget.warnings} origin={state.originAt} paint={paint} />
      ) : null}
      {failure ? <FailureBlock failure={failure} origin={state.originAt} paint={paint} /> : null}
      {state.rollback.kind ? <RollbackLine state={state} paint={paint} /> : null}
    </Box>
  );
}

function FailureBlock({ failure, origin, paint }: { failure: VerdictView; origin?: Date; paint: Paint }) {
  const what = failure.reason
    ? describeFailure({ reason: failure.reason, object: failure.object ?? '?', container: failure.container })
    : 'failed';
  const when: string[] = [];
  if (failure.firstSignalAt) {
    if (origin) when.push(`first signal ${formatElapsed(failure.firstSignalAt.getTime() - origin.getTime())}`);
    const ttd = Math.max(0, failure.at.getTime() - failure.firstSignalAt.getTime());
    when.push(`detected ${(ttd / 1000).toFixed(1)}s later`);
  }
  return (
    <>
      <Line {...paint('error')}>{`✖ ${what}`}</Line>
      <Line>{`  ${when.join(' · ')}`}</Line>
      <Line {...paint('dim')}>{`  ${oneLine(failure.message ?? '')}`}</Line>
    </>
  );
}

function Header(props: { state: UpgradeViewState; stage: Stage; now?: Date; columns: number; paint: Paint }) {
  const { state, stage, now, paint } = props;
  // Most telling first, so a narrow terminal cuts the chart path rather than the revisions.
  const from = state.fromRevision === undefined ? 'new' : String(state.fromRevision);
  // Before `started` (ledger notices, a --recover-pending rollback) nothing about the upgrade is known yet.
  const to = state.mode === 'rollback' ? state.rollback.toRevision : state.revision;
  const parts = state.release === undefined ? [] : [state.release, `rev ${from} → ${to ?? '?'}`];
  if (state.namespace) parts.push(`ns ${state.namespace}`);
  if (state.helmMajor) parts.push(`helm ${state.helmMajor}`);
  if (state.chart) parts.push(state.chart);

  const { view } = activeRollout(state);
  const clock: string[] = [];
  // A finished run's clock stops at the end.
  const shown = state.finishedAt ?? now;
  if (shown && state.originAt) clock.push(formatElapsed(shown.getTime() - state.originAt.getTime()));
  const counting = stage === 'watching' || stage === 'rolling-back';
  if (counting && now && view.progress) {
    // The nearest grace that can fail the rollout on its own, then the overall timeout.
    const next = view.progress.next;
    if (next && next.at.getTime() > now.getTime()) clock.push(`${next.what}: ${next.object} in ${formatCountdown(next.at.getTime() - now.getTime())}`);
    clock.push(`timeout in ${formatCountdown(view.progress.deadline.getTime() - now.getTime())}`);
  }
  const [label, level] = stageLabel(state, stage);
  return (
    <>
      <Line>
        {props.columns >= 64 || parts.length === 0 ? <Text {...paint('accent')}>helm autorollback </Text> : null}
        {parts.join(' · ')}
      </Line>
      <Line>
        <Text {...paint(level)}>{label}</Text>
        {clock.length > 0 ? <Text {...paint('dim')}>{`  ${clock.join('  ')}`}</Text> : null}
      </Line>
    </>
  );
}

function stageLabel(state: UpgradeViewState, stage: Stage): [string, LogLevel] {
  const rev = state.revision === undefined ? 'the new revision' : `revision ${state.revision}`;
  switch (stage) {
    case 'starting':
      return ['starting…', 'info'];
    case 'watching': {
      if (state.revision === undefined) return ['helm is upgrading…', 'info'];
      const workloads = state.upgrade.progress?.workloads ?? [];
      // Every workload is ready but the verdict waits: the rollout must stay up for a moment to count.
      if (workloads.length > 0 && workloads.every((w) => w.done)) return [`${rev} ready, making sure it stays up…`, 'info'];
      return [`watching ${rev} roll out…`, 'info'];
    }
    case 'healthy':
      return [`✔ ${rev} is healthy`, 'success'];
    case 'failed':
      return [`✖ ${rev} FAILED`, 'error'];
    case 'rolling-back':
      // Before `started`, a rollback is --recover-pending clearing a stuck release, not a failed upgrade.
      if (state.mode === 'rollback') return [`↺ rolling back to revision ${state.rollback.toRevision}…`, 'warn'];
      if (!state.startedAt) return [`↺ recovering a pending release: rolling back to revision ${state.rollback.toRevision}…`, 'warn'];
      return [`↺ ${rev} FAILED · rolling back to revision ${state.rollback.toRevision}…`, 'warn'];
    case 'uninstalling':
      if (!state.startedAt) return ['↺ recovering a pending release: uninstalling it…', 'warn'];
      return [`↺ ${rev} FAILED · uninstalling the failed first install…`, 'warn'];
    case 'recovered':
      return [
        state.rollback.kind === 'uninstall'
          ? '✔ failed first install uninstalled'
          : `✔ back on revision ${state.rollback.toRevision}, healthy`,
        'success',
      ];
    case 'rollback-failed':
      return ['✖ ROLLBACK FAILED: a human must look now', 'error'];
    case 'done':
      return doneLabel(state.report as UpgradeReport);
  }
}

function doneLabel(report: UpgradeReport): [string, LogLevel] {
  switch (report.outcome) {
    case 'healthy':
      return ['✔ done: healthy', 'success'];
    case 'rolled-back':
      return ['↺ done: rolled back', 'warn'];
    case 'rollback-failed':
      return ['✖ done: ROLLBACK FAILED', 'error'];
    case 'failed-no-rollback':
      return ['✖ done: FAILED, not rolled back', 'error'];
  }
}

function MoreRow({ hidden, noun }: { hidden: number; noun: string }) {
  return hidden > 0 ? <Line dimColor>{`  … ${hidden} more ${noun}`}</Line> : null;
}

function Workloads(props: { items: readonly WorkloadProgress[]; gone: ReadonlySet<string>; rows: number; width: number; paint: Paint }) {
  const { shown, hidden } = fitList(props.items, props.rows);
  const names = shown.map(workloadId);
  const nameWidth = Math.min(Math.max(8, ...names.map((n) => n.length)), Math.floor(props.width * 0.4));
  const counts = shown.map((w) => countsText(w, props.gone.has(workloadId(w))));
  const countsWidth = Math.max(0, ...counts.map((c) => c.length));
  // Two-space indent, two gaps of two: whatever is left is the bar; below 8 cells the bar is dropped.
  const barWidth = Math.min(30, props.width - nameWidth - countsWidth - 8);
  return (
    <>
      <Line {...props.paint('dim')}>Workloads</Line>
      {shown.map((w, i) => {
        const bar = barWidth >= 8 ? `${progressBar(workloadFraction(w), barWidth)}  ` : '';
        return (
          <Line key={names[i]}>
            {'  '}
            {truncateMiddle(names[i] as string, nameWidth).padEnd(nameWidth)}
            {'  '}
            <Text {...props.paint(w.done ? 'success' : 'info')}>{bar}</Text>
            {counts[i]}
          </Line>
        );
      })}
      <MoreRow hidden={hidden} noun="workloads" />
    </>
  );
}

function countsText(w: WorkloadProgress, gone: boolean): string {
  if (!w.present || w.kind === 'Job' || w.note !== undefined) return workloadStatus(w, gone);
  return `${w.ready}/${w.desired} ready  ${w.updated}/${w.desired} updated${w.done ? ' ✔' : ''}`;
}

/** Troubled pods first (a telling reason, then most restarts, then unready), so a short list shows them. */
export function podsByTrouble(pods: readonly PodProgress[]): PodProgress[] {
  const rank = (p: PodProgress) => (isRoutineReason(p.reason) ? 0 : 4) + (p.restarts > 0 ? 2 : 0) + (p.ready ? 0 : 1);
  return [...pods].sort((a, b) => rank(b) - rank(a) || b.restarts - a.restarts || a.name.localeCompare(b.name));
}

function Pods(props: { title: string; items: readonly PodProgress[]; rows: number; width: number; paint: Paint }) {
  const { shown, hidden } = fitList(podsByTrouble(props.items), props.rows);
  const nameWidth = Math.min(Math.max(4, ...shown.map((p) => p.name.length)), Math.floor(props.width * 0.4));
  const phaseWidth = Math.max(5, ...shown.map((p) => p.phase.length));
  const reasonWidth = Math.max(0, ...shown.map((p) => (p.reason ?? '').length));
  return (
    <>
      <Line {...props.paint('dim')}>{props.title}</Line>
      {shown.map((p) => (
        <Line key={p.name}>
          {'  '}
          {truncateMiddle(p.name, nameWidth).padEnd(nameWidth)}
          {'  '}
          {p.phase.padEnd(phaseWidth)}
          {'  '}
          <Text {...props.paint(isRoutineReason(p.reason) ? 'dim' : 'error')}>
            {(p.reason ?? '').padEnd(reasonWidth)}
          </Text>
          {reasonWidth > 0 ? '  ' : ''}
          <Text {...props.paint(p.restarts > 0 ? 'warn' : 'info')}>{`restarts ${p.restarts}`}</Text>
          {'  '}
          <Text {...props.paint(p.ready ? 'success' : 'dim')}>{p.ready ? 'ready' : 'not ready'}</Text>
        </Line>
      ))}
      <MoreRow hidden={hidden} noun="pods" />
    </>
  );
}

function Warnings(props: { items: readonly WarningEvent[]; rows: number; origin?: Date; paint: Paint }) {
  // Newest first would reorder lines as they arrive; the last `rows` in arrival order read like a log tail.
  const tail = props.items.slice(-props.rows);
  return (
    <>
      <Line {...props.paint('dim')}>Warnings</Line>
      {tail.map((w) => (
        <Line key={`${w.object}|${w.reason}|${w.message}`}>
          {'  '}
          {props.origin ? <Text {...props.paint('dim')}>{`${formatElapsed(w.lastSeen.getTime() - props.origin.getTime())} `}</Text> : null}
          <Text {...props.paint('warn')}>{w.reason}</Text>
          {` ${w.object}: ${oneLine(w.message)}${w.count > 1 ? ` (x${w.count})` : ''}`}
        </Line>
      ))}
    </>
  );
}

function RollbackLine({ state, paint }: { state: UpgradeViewState; paint: Paint }) {
  const rb = state.rollback;
  const what = rb.kind === 'uninstall' ? 'uninstall' : `rollback to revision ${rb.toRevision}`;
  if (rb.ok === false) {
    return <Line {...paint('error')}>{`✖ ${what} failed${rb.message ? `: ${oneLine(rb.message)}` : ''}`}</Line>;
  }
  if (rb.verdict?.state === 'failed') {
    const v = rb.verdict;
    return (
      <Line {...paint('error')}>
        {`✖ ${what}: ${v.reason ? describeFailure({ reason: v.reason, object: v.object ?? '?', container: v.container }) : 'failed'}`}
      </Line>
    );
  }
  if (rb.verdict?.state === 'healthy') return <Line {...paint('success')}>{`✔ ${what}: healthy`}</Line>;
  const created = rb.newRevision ? ` (revision ${rb.newRevision})` : '';
  return <Line {...paint('warn')}>{`↺ ${what}${created}: ${rb.ok ? 'waiting for its rollout…' : 'helm is working…'}`}</Line>;
}

function Summary({ report, paint }: { report: UpgradeReport; paint: Paint }) {
  return (
    <Box flexDirection="column" marginTop={1}>
      {reportLines(report).map((l, i) =>
        // Summary lines wrap rather than truncate (a cut-off message is the one thing to read); a wrapped
        // value stays indented under its label.
        l.label !== undefined && l.value !== undefined ? (
          <Box key={i}>
            <Box flexShrink={0}>
              <Text {...paint(l.level)}>{`  ${l.label.padEnd(13)} `}</Text>
            </Box>
            <Box flexShrink={1}>
              <Text {...paint(l.level)}>{l.value}</Text>
            </Box>
          </Box>
        ) : (
          <Text key={i} {...paint(l.level)}>
            {l.text}
          </Text>
        ),
      )}
    </Box>
  );
}

/** One finished log line (printed once, above the live part): `00:02.2 FAILED: …`; wrapped text stays indented. */
export function LogLine(props: { entry: LogEntry; origin?: Date; color?: boolean; columns?: number }) {
  const { entry, origin, color = true, columns = 80 } = props;
  const paint = painter(color);
  const stamp = formatElapsed(entry.at.getTime() - (origin ?? entry.at).getTime());
  // <Static> is absolutely positioned: without an explicit width its rows would not wrap at the terminal's edge.
  return (
    <Box width={Math.max(20, columns)}>
      <Box flexShrink={0}>
        <Text {...paint('dim')}>{`${stamp} `}</Text>
      </Box>
      <Text {...paint(entry.level)}>{entry.text}</Text>
    </Box>
  );
}
