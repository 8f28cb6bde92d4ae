import { createLiveStore, displayTime } from '../../../src/ui/live/store.js';
import { at, crashloopRun, ev } from '../fixtures.js';

test('dispatch reduces, notifies, and stops after finished', () => {
  const wall = new Date('2030-01-01T00:00:00Z');
  const store = createLiveStore(() => wall);
  let calls = 0;
  const off = store.subscribe(() => calls++);
  for (const e of crashloopRun()) store.dispatch(e);
  expect(store.getState().report?.outcome).toBe('rolled-back');
  expect(store.isEnded()).toBe(true);
  expect(store.lastReceivedAt()).toBe(wall);
  const n = calls;
  store.dispatch(ev.notice('late', 10));
  expect(calls).toBe(n);
  off();
});

test('end() ends once and notifies', () => {
  const store = createLiveStore();
  let calls = 0;
  store.subscribe(() => calls++);
  store.end();
  store.end();
  expect(calls).toBe(1);
  expect(store.isEnded()).toBe(true);
});

test('displayTime adds the wall time since the last event to the event time', () => {
  const store = createLiveStore(() => new Date('2030-01-01T00:00:00Z'));
  expect(displayTime(store.getState(), undefined, new Date())).toBeUndefined();
  store.dispatch(ev.started());
  store.dispatch(ev.revision(4, 2));
  expect(displayTime(store.getState(), store.lastReceivedAt(), new Date('2030-01-01T00:00:03Z'))).toEqual(at(5));
  // A wall clock behind the arrival time never moves the display backwards.
  expect(displayTime(store.getState(), store.lastReceivedAt(), new Date('2029-01-01T00:00:00Z'))).toEqual(at(2));
});
