import { render } from 'ink-testing-library';
import { createPickerSource, type PickerSource } from '../../../src/services/picker.js';
import { PickerApp } from '../../../src/ui/picker/app.js';
import { initialPickerState, type PickerOutcome } from '../../../src/ui/picker/state.js';
import { FakeReleaseStore } from '../../services/fake-release-store.js';
import { FakeLedger } from '../../services/upgrade-fakes.js';

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const DOWN = '\u001b[B';
const ENTER = '\r';
const ESC = '\u001b';

/** Waits until the frame satisfies `check`, turn by turn of the event loop, bounded by time. */
async function until(frame: () => string | undefined, check: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (frame() ?? '').replace(ANSI, '');
    if (check(text)) return text;
    if (Date.now() > deadline) throw new Error(`frame never matched; last frame:\n${text}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** 30 revisions: every 7th failed, 30 deployed; each has a 40-key ConfigMap whose `v` key and image tag change. */
function release() {
  const store = new FakeReleaseStore().add('prod', 'web', ['superseded'], 30);
  for (const { summary, body } of store.releases.get('prod/web')!) {
    const r = summary.revision;
    summary.status = r === 30 ? 'deployed' : r % 7 === 0 ? 'failed' : 'superseded';
    body!.status = summary.status;
    body!.values = { image: { tag: `v${r}` }, db: { password: `secret-${r}` } };
    const data = Array.from({ length: 40 }, (_, i) => `  k${String(i).padStart(2, '0')}: "${i === 20 ? r : i}"`).join('\n');
    body!.manifest = `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-cfg\ndata:\n${data}\n`;
    if (r === 29) body!.hooks = [{ name: 'db-check', kind: 'Job', path: '', manifest: '', events: ['pre-rollback'], lastRun: { phase: 'Unknown' }, weight: 0, deletePolicies: [] }];
  }
  const ledger = new FakeLedger();
  ledger.entries = [{ revision: 28, verdict: 'failed', reason: 'CrashLoopBackOff', decidedAt: new Date('2026-11-01T10:00:00Z') }];
  return { store, ledger };
}

async function open(): Promise<{ ui: ReturnType<typeof render>; outcomes: PickerOutcome[]; source: PickerSource; store: FakeReleaseStore }> {
  const { store, ledger } = release();
  const source = createPickerSource({ releases: store, ledger }, { release: 'web', namespace: 'prod' });
  const index = await source.index();
  const initial = initialPickerState({ release: 'web', namespace: 'prod', entries: index.revisions, deployed: index.deployed, lastKnownGood: index.lastKnownGood });
  const outcomes: PickerOutcome[] = [];
  const ui = render(<PickerApp source={source} initial={initial} color={false} onDone={(o) => outcomes.push(o)} />);
  await until(ui.lastFrame, (t) => t.includes('vs 30:'));
  return { ui, outcomes, source, store };
}

describe('history picker view', () => {
  it('lists the newest revisions with deployed and last known good marked, bodies read only for the rows on screen', async () => {
    const { ui, store } = await open();
    const frame = await until(ui.lastFrame, (t) => /G\s+29 superseded - +demo-1\.0\.29/.test(t));
    expect(frame).toMatch(/web \(prod\) · 30 revisions · D deployed 30 · G last known good 29/);
    expect(frame).toMatch(/D\s+30 deployed\s+-/);
    expect(frame).toMatch(/28 failed {5}failed CrashLoopBackOff/);
    expect(frame).toMatch(/revision 29: demo-1\.0\.29 \(app 2\.0\) · superseded · verdict -/);
    // Screen rows plus the deployed revision: far fewer than 30 bodies.
    expect(store.getRevisionCalls).toBeLessThan(15);
    ui.unmount();
  });

  it('moves with j and arrows, and the detail panel follows', async () => {
    const { ui } = await open();
    ui.stdin.write('j');
    await until(ui.lastFrame, (t) => t.includes('revision 28: demo-1.0.28'));
    ui.stdin.write(DOWN);
    await until(ui.lastFrame, (t) => t.includes('revision 27: demo-1.0.27'));
    ui.stdin.write('G');
    await until(ui.lastFrame, (t) => t.includes('revision 1: demo-1.0.1'));
    ui.unmount();
  });

  it('filters with /', async () => {
    const { ui } = await open();
    ui.stdin.write('/');
    for (const ch of 'failed') ui.stdin.write(ch);
    const frame = await until(ui.lastFrame, (t) => t.includes('/failed'));
    expect(frame).toMatch(/\(4 match\)/); // 7, 14, 21 and 28
    ui.unmount();
  });

  it('shows the values diff masked, the manifest diff per object and scrolls it, and the hooks', async () => {
    const { ui } = await open();
    let frame = await until(ui.lastFrame, (t) => t.includes('image:'));
    expect(frame).toContain('[1 values]');
    expect(frame).toMatch(/-\s+tag: v30/);
    expect(frame).toMatch(/\+\s+tag: v29/);
    expect(frame).not.toMatch(/secret-(29|30)/);
    ui.stdin.write('2');
    frame = await until(ui.lastFrame, (t) => t.includes('[2 manifest]'));
    expect(frame).toContain('ConfigMap prod/web-cfg (changed)');
    expect(frame).toMatch(/-\s+k20: "30"/);
    const counter = /(\d+)-(\d+)\/(\d+)/.exec(frame);
    if (counter) {
      ui.stdin.write('J');
      await until(ui.lastFrame, (t) => t.includes(`2-${Number(counter[2]) + 1}/${counter[3]}`));
    }
    ui.stdin.write('3');
    frame = await until(ui.lastFrame, (t) => t.includes('[3 hooks]'));
    expect(frame).toContain('pre-rollback Job/db-check (weight 0)');
    ui.unmount();
  });

  it('Enter shows the confirmation with the target, what changes and the guards; y confirms', async () => {
    const { ui, outcomes } = await open();
    ui.stdin.write(ENTER);
    const frame = await until(ui.lastFrame, (t) => t.includes('Roll back web (prod) to revision 29?') && t.includes('guard findings: none'));
    expect(frame).toMatch(/from revision 30 \(deployed\) to 29/);
    expect(frame).toMatch(/what changes: 2 values and 1 object change/);
    expect(frame).toContain('hooks helm runs: pre-rollback Job/db-check');
    ui.stdin.write('y');
    await until(() => String(outcomes.length), (t) => t === '1');
    expect(outcomes).toEqual([{ action: 'rollback', revision: 29 }]);
  });

  it('Esc on the confirmation goes back; q leaves without a rollback; Enter on the deployed revision only says why', async () => {
    const { ui, outcomes } = await open();
    ui.stdin.write(ENTER);
    await until(ui.lastFrame, (t) => t.includes('Roll back web'));
    ui.stdin.write(ESC);
    await until(ui.lastFrame, (t) => t.includes('j/k move'));
    ui.stdin.write('g');
    await until(ui.lastFrame, (t) => t.includes('revision 30: demo'));
    ui.stdin.write(ENTER);
    await until(ui.lastFrame, (t) => t.includes('revision 30 is the deployed one: nothing to roll back to'));
    ui.stdin.write('q');
    await until(() => String(outcomes.length), (t) => t === '1');
    expect(outcomes).toEqual([{ action: 'quit' }]);
  });
});
