/** Health verdicts for a Helm release's rollout: pure functions over a cluster snapshot. */
export { evaluateRollout, pickFailure, type EvaluateInput } from './evaluate.js';
export { podProgress, recentWarnings, MAX_WARNINGS } from './progress.js';
export {
  baselineKey,
  generationBaseline,
  newReplicaSet,
  templateApplied,
  DEPLOYMENT_REVISION_ANNOTATION,
  type GenerationBaseline,
} from './workload-rules.js';
export { formatDuration, matchesSelector, toDate } from './kube-util.js';
export * from './types.js';
