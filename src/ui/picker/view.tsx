import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { DiffLine } from '../../domain/diff/index.js';
import type { GuardFinding } from '../../domain/guards/index.js';
import type { PickerDetails } from '../../services/picker.js';
import { diffLineColors } from '../diff-view.js';
import { entriesOnScreen, pickerTabs, selectedEntry, type PickerEntry, type PickerState } from './state.js';

/** What the view draws besides the state: the selected revision's details and findings, when loaded. */
export interface PickerViewProps {
  state: PickerState;
  /** undefined while loading. */
  details?: PickerDetails | { error: string };
  findings?: GuardFinding[] | { error: string };
  color?: boolean;
}

function Line({ children, color, bold, dim, inverse }: { children: ReactNode; color?: string | undefined; bold?: boolean; dim?: boolean; inverse?: boolean }) {
  return (
    <Text wrap="truncate-end" {...(color ? { color } : {})} bold={bold ?? false} dimColor={dim ?? false} inverse={inverse ?? false}>
      {children}
    </Text>
  );
}

/** The lines of the open tab (the view draws a window of them; the app uses the count to bound scrolling). */
export function tabLines(state: PickerState, details: PickerViewProps['details'], findings: PickerViewProps['findings']): DiffLine[] {
  if (state.tab === 'guards') {
    if (!findings) return [{ kind: 'note', text: 'checking the guards…' }];
    if ('error' in findings) return [{ kind: 'note', text: `guards unavailable: ${findings.error}` }];
    if (findings.length === 0) return [{ kind: 'note', text: 'no guard findings' }];
    return findings.flatMap((f): DiffLine[] => [
      { kind: f.severity === 'info' ? 'context' : 'remove', text: `${f.severity.toUpperCase()} ${f.guard}: ${f.message}` },
      ...(f.fix ? [{ kind: 'note' as const, text: `  fix: ${f.fix}` }] : []),
    ]);
  }
  if (!details) return [{ kind: 'note', text: 'loading…' }];
  if ('error' in details) return [{ kind: 'note', text: `cannot show this revision: ${details.error}` }];
  if (state.tab === 'hooks') {
    return details.hooks.length
      ? details.hooks.map((text): DiffLine => ({ kind: 'context', text }))
      : [{ kind: 'note', text: 'no pre-rollback/post-rollback hooks: helm runs none on a rollback to this revision' }];
  }
  return state.tab === 'values' ? details.values : details.manifest;
}

function marker(state: PickerState, e: PickerEntry): string {
  if (e.revision === state.deployed) return 'D';
  if (e.revision === state.lastKnownGood) return 'G';
  return ' ';
}

function verdictText(e: PickerEntry): string {
  if (!e.verdict) return '-';
  return e.verdict === 'failed' && e.reason ? `failed ${e.reason}` : e.verdict;
}

function row(state: PickerState, e: PickerEntry): string {
  const cells = [
    marker(state, e),
    String(e.revision).padStart(5),
    e.status.padEnd(10),
    verdictText(e).padEnd(24).slice(0, 24),
    (e.chart ?? '…').padEnd(16).slice(0, 16),
    (e.appVersion ?? '').padEnd(6).slice(0, 6),
    e.description ?? '',
  ];
  return cells.join(' ');
}

/** The picker: title, virtualised list, detail panel with tabs, key help (or the confirmation screen). */
export function PickerView({ state, details, findings, color = true }: PickerViewProps) {
  const c = (name: string | undefined) => (color ? name : undefined);
  const selected = selectedEntry(state);
  const title = `${state.release} (${state.namespace}) · ${state.entries.length} revisions · D deployed${state.deployed ? ` ${state.deployed}` : ' none'} · G last known good${state.lastKnownGood ? ` ${state.lastKnownGood}` : ' none'}`;
  if (state.mode === 'confirm' && selected) return <Confirm state={state} target={selected} details={details} findings={findings} color={color} />;
  const shown = entriesOnScreen(state);
  const lines = tabLines(state, details, findings);
  const window = lines.slice(state.detailTop, state.detailTop + state.detailHeight);
  const filterLine = state.editingFilter || state.filter ? `/${state.filter}${state.editingFilter ? '▏' : ''}  (${state.visible.length} match)` : '';
  return (
    <Box flexDirection="column" width={state.columns}>
      <Line bold>{title}</Line>
      <Line dim>{filterLine || '  REV   STATUS     VERDICT                  CHART            APP    DESCRIPTION'}</Line>
      {shown.map((e) => {
        const isSelected = e === selected;
        return (
          <Line key={e.revision} inverse={isSelected} color={c(e.verdict === 'failed' || e.status === 'failed' ? 'red' : undefined)}>
            {row(state, e)}
          </Line>
        );
      })}
      {Array.from({ length: state.listHeight - shown.length }, (_, i) => <Line key={`pad${i}`}> </Line>)}
      <Line bold>
        {selected
          ? `revision ${selected.revision}: ${selected.chart ?? '…'}${selected.appVersion ? ` (app ${selected.appVersion})` : ''} · ${selected.status} · verdict ${verdictText(selected)}`
          : 'no revision matches the filter'}
      </Line>
      <Line dim>{selected?.description ? `${selected.description}${details && !('error' in details) ? ` · vs ${details.against}: ${details.summary}` : ''}` : ' '}</Line>
      <Line>
        {pickerTabs.map((t, i) => (t === state.tab ? `[${i + 1} ${t}]` : ` ${i + 1} ${t} `)).join(' ')}
        {lines.length > state.detailHeight ? `  ${state.detailTop + 1}-${Math.min(lines.length, state.detailTop + state.detailHeight)}/${lines.length}` : ''}
      </Line>
      {window.map((l, i) => (
        <Line key={state.detailTop + i} color={c(diffLineColors[l.kind])} bold={l.kind === 'object'}>
          {l.text === '' ? ' ' : l.text}
        </Line>
      ))}
      {Array.from({ length: state.detailHeight - window.length }, (_, i) => <Line key={`dpad${i}`}> </Line>)}
      <Line dim color={c(state.notice ? 'yellow' : undefined)}>
        {/* The keys that act first: at 80 columns the end of the line is cut. */}
        {state.notice ?? `Enter roll back · ${state.watchdogKey ? 'w watchdog · ' : ''}q quit · j/k move · g/G · PgUp/PgDn · / filter · Tab/1-4 tabs · J/K space/b scroll`}
      </Line>
    </Box>
  );
}

function Confirm({ state, target, details, findings, color }: { state: PickerState; target: PickerEntry; details: PickerViewProps['details']; findings: PickerViewProps['findings']; color: boolean }) {
  const c = (name: string) => (color ? name : undefined);
  const list = findings && !('error' in findings) ? findings : undefined;
  const blocked = list?.some((f) => f.severity === 'block');
  return (
    <Box flexDirection="column" width={state.columns}>
      <Line bold>{`Roll back ${state.release} (${state.namespace}) to revision ${target.revision}?`}</Line>
      <Line>{`  from revision ${state.deployed ?? '?'} (deployed) to ${target.revision}: ${target.chart ?? ''}${target.appVersion ? ` app ${target.appVersion}` : ''}`}</Line>
      <Line>{`  what changes: ${details ? ('error' in details ? details.error : details.summary) : 'loading…'}`}</Line>
      <Line>{`  hooks helm runs: ${details && !('error' in details) ? (details.hooks.length ? details.hooks.join('; ') : 'none') : '…'}`}</Line>
      <Line>{`  guard findings: ${findings ? ('error' in findings ? findings.error : findings.length ? '' : 'none') : 'checking…'}`}</Line>
      {(list ?? []).map((f, i) => (
        <Line key={i} color={c(f.severity === 'block' ? 'red' : f.severity === 'warn' ? 'yellow' : 'gray')}>
          {`    ${f.severity.toUpperCase()} ${f.guard}: ${f.message}${f.fix ? ` (fix: ${f.fix})` : ''}`}
        </Line>
      ))}
      <Line bold color={c(blocked ? 'red' : findings ? 'green' : 'yellow')}>
        {blocked
          ? 'a guard blocks this rollback (see above) · n/Esc: back'
          : findings
            ? 'y/Enter: roll back now (helm rollback --wait, judged live) · n/Esc: back'
            : 'checking the guards before a rollback can be confirmed… · n/Esc: back'}
      </Line>
    </Box>
  );
}
