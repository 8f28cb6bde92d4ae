// Types of soak/soak.js for the TypeScript tests (test/soak).

/** One revision of helm's history as the soak reads it. */
export interface SoakRevision {
  version: number;
  status: string;
  description: string;
  image: string;
  /** N of "Rollback to N"; undefined for an install or upgrade. */
  rollbackTo?: number;
}

/** What a run is judged to have done wrong. */
export interface SoakVerdict {
  missed: number;
  false: number;
  double: number;
  errors: string[];
}

export const SCENARIOS: string[];

export function judge(input: {
  scenario: string;
  history: Map<number, SoakRevision>;
  beforeMax: number;
  goodImage: string | undefined;
  newImage?: string;
  statusAtKill?: Map<number, string>;
  deploymentOk?: boolean;
  /** Per command of the run (the first, then a second after a process fault): ms after which the harness killed it, or undefined when it exited. */
  killedAfterMs?: Array<number | undefined>;
}): SoakVerdict;

export function rng(seed: number): { next(): number; between(lo: number, hi: number): number; int(lo: number, hi: number): number; chance(p: number): boolean };
