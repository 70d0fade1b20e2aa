import {
  checkPruneRequest,
  pruneLowestScored,
  type Pruner,
  type PruneRequest,
} from '@neusemslice/core';
import { lampScores } from './lamp-scores';

const PLUGIN = 'pruner-lamp';

/**
 * Layer-adaptive magnitude pruning (LAMP, Lee et al. 2020): every alive weight gets its LAMP
 * score within its layer, and the alive weights of lowest score over all layers die until
 * round(targetSparsity · total) weights are dead. Equal scores die in request order (earlier
 * layer, then lower index).
 */
export class LampPruner implements Pruner {
  readonly name = 'lamp';
  readonly description =
    'Prunes the alive weights of lowest LAMP score (w² over the sum of the larger w² in its layer), ranked over all layers';

  prune(request: PruneRequest): Record<string, Uint8Array> {
    const budget = checkPruneRequest(PLUGIN, request);
    return pruneLowestScored(
      request.weights,
      request.weights.map((weight) => lampScores(weight.values, weight.aliveMask)),
      budget.weightsToPrune,
    );
  }
}
