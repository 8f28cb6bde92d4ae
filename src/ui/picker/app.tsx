import { useApp, useInput, useStdout } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import type { GuardFinding } from '../../domain/guards/index.js';
import type { PickerDetails, PickerSource } from '../../services/picker.js';
import { entriesOnScreen, pickerReducer, selectedEntry, type PickerOutcome, type PickerState } from './state.js';
import { PickerView, tabLines } from './view.js';

/** Props of {@link PickerApp}. */
export interface PickerAppProps {
  source: PickerSource;
  initial: PickerState;
  color?: boolean;
  onDone: (outcome: PickerOutcome) => void;
}

type Loaded<T> = { revision: number; value: T | { error: string } };

/** The interactive picker: keys into the reducer, and loads only what is on screen or selected. */
export function PickerApp({ source, initial, color = true, onDone }: PickerAppProps) {
  const [state, dispatch] = useReducer(pickerReducer, initial);
  const [details, setDetails] = useState<Loaded<PickerDetails>>();
  const [findings, setFindings] = useState<Loaded<GuardFinding[]>>();
  const { exit } = useApp();
  const { stdout } = useStdout();
  const selected = selectedEntry(state);
  const onScreen = entriesOnScreen(state).filter((e) => e.chart === undefined).map((e) => e.revision);

  useEffect(() => {
    const resize = () => dispatch({ type: 'resize', columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
    resize();
    stdout.on('resize', resize);
    return () => void stdout.off('resize', resize);
  }, [stdout]);

  const missing = onScreen.join(',');
  useEffect(() => {
    if (missing === '') return;
    let live = true;
    void source.bodies(missing.split(',').map(Number)).then((entries) => live && dispatch({ type: 'entries', entries }));
    return () => void (live = false);
  }, [missing, source]);

  const revision = selected?.revision;
  useEffect(() => {
    if (revision === undefined) return;
    let live = true;
    source.details(revision).then(
      (value) => live && setDetails({ revision, value }),
      (err: Error) => live && setDetails({ revision, value: { error: err.message } }),
    );
    return () => void (live = false);
  }, [revision, source]);

  const wantFindings = state.tab === 'guards' || state.mode === 'confirm';
  useEffect(() => {
    if (revision === undefined || !wantFindings || findings?.revision === revision) return;
    let live = true;
    source.findings(revision).then(
      (value) => live && setFindings({ revision, value }),
      (err: Error) => live && setFindings({ revision, value: { error: err.message } }),
    );
    return () => void (live = false);
  }, [revision, wantFindings, findings, source]);

  useEffect(() => {
    if (!state.done) return;
    onDone(state.done);
    exit();
  }, [state.done, onDone, exit]);

  const shownDetails = details?.revision === revision ? details?.value : undefined;
  const shownFindings = findings?.revision === revision ? findings?.value : undefined;
  const blocked = Array.isArray(shownFindings) && shownFindings.some((f) => f.severity === 'block');
  // Read by the key handler through a ref: a key may arrive after this frame is drawn but before the effect
  // that would hand the handler a fresh closure has run.
  const latest = useRef({ detailLength: 0, canConfirm: false });
  latest.current = { detailLength: tabLines(state, shownDetails, shownFindings).length, canConfirm: shownFindings !== undefined && !blocked };
  useInput((input, key) => dispatch({ type: 'key', input, key, ...latest.current }));

  return <PickerView state={state} details={shownDetails} findings={shownFindings} color={color} />;
}
