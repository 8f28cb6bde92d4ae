/**
 * Interrupting `helm autorollback upgrade` (Ctrl-C, SIGTERM). The command owns the process signals; the
 * service sees only this handle: an AbortSignal for the first interrupt, plus the state it reports as it goes
 * so that a second interrupt can say, in one line, what the release may be left in and how to recover.
 */

/** Where the run is, as far as an abandoned run matters. */
export type InterruptPhase = 'preparing' | 'upgrade' | 'rollback' | 'uninstall' | 'done';

/** What the service tells the handle as it goes (each call merges). */
export interface InterruptState {
  phase: InterruptPhase;
  /** The revision helm stored for the upgrade, once known. */
  attemptedRevision?: number;
  /** Where a rollback goes (planned before helm starts, then the chosen one); undefined: uninstall. */
  target?: number;
}

/** Identity of the release, for the recovery command. */
export interface InterruptContext {
  release: string;
  namespace: string;
  /** Flags every helm call needs (e.g. `--kube-context prod`), repeated in the recovery command. */
  helmGlobalArgs?: readonly string[];
}

/**
 * The interrupt input of the upgrade service. `abort()` (the first signal) makes the service stop helm and
 * roll back (during the rollback itself it only notes it); `abandonMessage()` (the second signal) describes
 * what the caller leaves behind when it exits at once.
 */
export class UpgradeInterrupt {
  private readonly controller = new AbortController();
  private state: InterruptState = { phase: 'preparing' };
  private context: InterruptContext | undefined;

  /** Aborted on the first interrupt; its reason is the signal name (e.g. `SIGINT`). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the first interrupt happened. */
  get interrupted(): boolean {
    return this.controller.signal.aborted;
  }

  /** The name of the first interrupt (`SIGINT`...), once interrupted. */
  get reason(): string {
    return String(this.controller.signal.reason ?? 'interrupt');
  }

  /** The first interrupt. Later calls do nothing. */
  abort(signalName: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(signalName);
  }

  /** Called by the service: which release this is. */
  begin(context: InterruptContext): void {
    this.context = context;
  }

  /** Called by the service as the run moves on. */
  report(update: Partial<InterruptState>): void {
    this.state = { ...this.state, ...update };
  }

  /** The current state (a copy). */
  get current(): InterruptState {
    return { ...this.state };
  }

  /** One line for the second interrupt: what was abandoned, what state the release may be in, the exact recovery command. */
  abandonMessage(): string {
    const ctx = this.context;
    if (!ctx) return 'interrupted again: exiting; nothing was changed yet';
    const s = this.state;
    const tail = ['-n', ctx.namespace, ...(ctx.helmGlobalArgs ?? [])].map(shellWord).join(' ');
    const rel = shellWord(ctx.release);
    const recover = s.target === undefined ? `helm uninstall ${rel} ${tail}` : `helm rollback ${rel} ${s.target} ${tail}`;
    const check = `helm history ${rel} ${tail}`;
    const revision = s.attemptedRevision === undefined ? 'the new revision (if helm stored one)' : `revision ${s.attemptedRevision}`;
    switch (s.phase) {
      case 'preparing':
        return `interrupted again: exiting before the upgrade started; release "${ctx.release}" is unchanged unless a --recover-pending rollback was running (check: ${check})`;
      case 'upgrade':
        return `interrupted again: abandoned the upgrade of "${ctx.release}"; ${revision} may be left failed or pending (helm may still be stopping); recover with: ${recover}`;
      case 'rollback':
        return `interrupted again: abandoned the rollback of "${ctx.release}" to revision ${s.target ?? '?'} (helm may still finish it in the background); otherwise the release may be left pending-rollback or unhealthy; once no helm command runs, recover with: ${recover}`;
      case 'uninstall':
        return `interrupted again: abandoned the uninstall of the failed first install of "${ctx.release}"; it may be partly removed; recover with: ${recover}`;
      case 'done':
        return `interrupted again: exiting; the run had finished (check: ${check})`;
    }
  }
}

/** Quotes a word for a POSIX shell only when it needs it. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
