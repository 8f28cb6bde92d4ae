import { Box, Static, Text, useApp, useInput } from 'ink';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { formatCountdown, formatElapsed } from '../time-format.js';
import { watchdogReportLines, type WatchdogViewState } from './state.js';

/** The watchdog view's state holder (React reads it with useSyncExternalStore). */
export interface WatchdogStore {
  getState(): WatchdogViewState;
  subscribe(listener: () => void): () => void;
}

/** Props of {@link WatchdogApp}. */
export interface WatchdogAppProps {
  store: WatchdogStore;
  color: boolean;
  /** Key presses, for the reducer (r, y/n) and the controls (d, q, confirmed r). */
  onKey: (key: 'd' | 'q' | 'r' | 'y' | 'n') => void;
  /** Whether the keyboard is a terminal (raw mode); without one the key hint is left out. */
  keys: boolean;
  now?: () => Date;
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** A small trend line of numbers (null shows as a space). */
export function sparkline(values: ReadonlyArray<number | null>): string {
  const nums = values.filter((v): v is number => v !== null);
  const max = Math.max(...nums, 0);
  const min = Math.min(...nums, 0);
  return values.map((v) => (v === null ? ' ' : BLOCKS[max === min ? 0 : Math.round(((v - min) / (max - min)) * (BLOCKS.length - 1))])).join('');
}

/** The live watchdog: the log of checks once (<Static>), the countdown, workloads, pods and metrics redrawn. */
export function WatchdogApp({ store, color, onKey, keys, now = () => new Date() }: WatchdogAppProps) {
  const s = useSyncExternalStore(store.subscribe, store.getState);
  const { exit } = useApp();
  const [t, setT] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setT(now()), 500);
    return () => clearInterval(timer);
  }, [now]);
  useEffect(() => {
    if (s.phase !== 'done') return undefined;
    const timer = setImmediate(() => exit());
    return () => clearImmediate(timer);
  }, [s.phase, exit]);
  useInput((input) => {
    if (input === 'd' || input === 'q' || input === 'r' || input === 'y' || input === 'n') onKey(input);
  }, { isActive: keys && s.phase !== 'done' });
  const c = (text: string, hue: 'green' | 'yellow' | 'red' | 'gray') => (color ? <Text color={hue}>{text}</Text> : <Text>{text}</Text>);
  const left = s.deadline ? s.deadline.getTime() - t.getTime() : 0;
  return (
    <>
      <Static items={s.log}>
        {(e) => (
          <Text key={e.id} wrap="wrap">
            {formatElapsed(e.at.getTime() - (s.originAt ?? e.at).getTime())} {e.level === 'error' ? c(e.text, 'red') : e.level === 'warn' ? c(e.text, 'yellow') : e.level === 'success' ? c(e.text, 'green') : e.text}
          </Text>
        )}
      </Static>
      {s.phase === 'done' && s.report ? (
        <Box flexDirection="column" marginTop={1}>
          {watchdogReportLines(s.report).map((l, i) => (
            <Text key={i}>{l.text}</Text>
          ))}
        </Box>
      ) : (
        <Box flexDirection="column">
          <Text bold>
            helm autorollback watchdog {s.release ?? ''} · rev {s.revision ?? '?'} · ns {s.namespace ?? ''} · target {s.target ?? 'none'}
          </Text>
          <Text>
            {s.phase === 'rolling-back' ? c('↺ degraded · rolling back…', 'red') : s.phase === 'arming' ? 'arming…' : <>baking · verified in {c(formatCountdown(left), 'green')} · health {s.health === 'suspect' ? c('suspect', 'yellow') : s.health === 'degraded' ? c('degraded', 'red') : c(s.health ?? '…', 'green')}</>}
          </Text>
          <Text bold>Workloads</Text>
          {s.workloads.map((w) => (
            <Text key={`${w.kind}/${w.name}`}>  {w.kind}/{w.name}  {w.ready}/{w.desired} ready</Text>
          ))}
          <Text bold>Pods   restarts since armed {sparkline(s.restartTrend)} {s.restartTrend[s.restartTrend.length - 1] ?? 0}</Text>
          {s.pods.map((p) => (
            <Text key={p.name}>  {p.name}  {p.ready ? c('ready', 'green') : c('not ready', 'yellow')}  restarts {p.restarts} (+{p.restartsSinceArmed}){p.reason ? `  ${p.reason}` : ''}</Text>
          ))}
          {Object.values(s.metrics).length > 0 && <Text bold>Metrics</Text>}
          {Object.values(s.metrics).map((m) => (
            <Text key={m.check}>  {m.check}  {sparkline(m.values)}  {m.values[m.values.length - 1] ?? 'no value'} (fails if {m.condition ?? '?'})  {m.status === 'ok' ? m.lastOutcome : c(m.status, 'red')}</Text>
          ))}
          {s.confirmingRollback ? c('Roll back now? y = yes, n = no', 'yellow') : keys ? c('d disarm · r roll back now · q quit (disarms)', 'gray') : null}
        </Box>
      )}
    </>
  );
}
