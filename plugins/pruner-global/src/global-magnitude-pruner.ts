import {
  checkPruneRequest,
  magnitudes,
  pruneLowestScored,
  type Pruner,
  type PruneRequest,
} from '@neusemslice/core';

const PLUGIN = 'pruner-global';

/**
 * Global magnitude pruning (Lee et al. 2020's "Glob" baseline): one magnitude threshold over
 * all layers together. The alive weights of smallest |w| die until round(targetSparsity · total)
 * weights are dead; equal magnitudes die in request order (earlier layer, then lower index).
 */
export class GlobalMagnitudePruner implements Pruner {
  readonly name = 'global';
  readonly description = 'Prunes the alive weights of smallest magnitude over all layers together';

  prune(request: PruneRequest): Record<string, Uint8Array> {
    const budget = checkPruneRequest(PLUGIN, request);
    return pruneLowestScored(
      request.weights,
      request.weights.map((weight) => magnitudes(weight.values)),
      budget.weightsToPrune,
    );
  }
}
