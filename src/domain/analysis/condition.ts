/**
 * Failure conditions of a metric check: a comparison operator and a number, e.g. `> 0.05`. A measurement
 * whose value makes the condition true is a failed measurement.
 */

/** Comparison operators a condition may use. */
export type ConditionOperator = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** A parsed condition; `text` is its canonical spelling (`> 0.05`). */
export interface Condition {
  op: ConditionOperator;
  threshold: number;
  text: string;
}

/** Parsing a condition either yields it or says what is wrong, in one line. */
export type ConditionParse = { ok: true; condition: Condition } | { ok: false; message: string };

const CONDITION = /^\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

/**
 * Parses `> 0.05`, `>=1`, `< 0.99`, `== 0`, `!= 0` (whitespace optional, plain or scientific numbers).
 * Pure; never throws.
 */
export function parseCondition(text: string): ConditionParse {
  const m = CONDITION.exec(text);
  if (!m) {
    return {
      ok: false,
      message: `condition "${text}" is not OPERATOR NUMBER; write one of > >= < <= == != followed by a number, e.g. '> 0.05'`,
    };
  }
  const op = m[1] as ConditionOperator;
  const threshold = Number(m[2]);
  return { ok: true, condition: { op, threshold, text: `${op} ${m[2]!.replace(/^\+/, '')}` } };
}

/**
 * True when `value` satisfies the condition. NaN satisfies none (callers treat NaN as inconclusive before
 * asking); infinities compare as numbers do.
 */
export function conditionHolds(condition: Condition, value: number): boolean {
  const t = condition.threshold;
  switch (condition.op) {
    case '>':
      return value > t;
    case '>=':
      return value >= t;
    case '<':
      return value < t;
    case '<=':
      return value <= t;
    case '==':
      return value === t;
    case '!=':
      return !Number.isNaN(value) && value !== t;
  }
}
