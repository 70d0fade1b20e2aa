import {
  checkPruneRequest,
  type Pruner,
  type PruneRequest,
  pruneSmallestMagnitudePerLayer,
  readShareOption,
} from '@neusemslice/core';
import { uniformPlusPruneCounts } from './uniform-plus-allocation';

const PLUGIN = 'pruner-uniform-plus';
/** The reference's rule: the last layer keeps at least 20% of its weights. */
export const DEFAULT_LAST_LAYER_MAX_SPARSITY = 0.8;

/**
 * Uniform+ (Gale et al. 2019, as Lee et al. 2020 use it): the same share of every layer's alive
 * weights is pruned, except that a first conv layer is kept dense and the last layer is pruned
 * to at most `lastLayerMaxSparsity` (default 0.8), the excess spread over the middle layers.
 * Within each layer the weights of smallest magnitude die (equal magnitudes by index).
 */
export class UniformPlusPruner implements Pruner {
  readonly name = 'uniform-plus';
  readonly description =
    'Prunes the same share of every layer by magnitude, keeping a first conv layer dense and the last layer at most 80% pruned';

  prune(request: PruneRequest): Record<string, Uint8Array> {
    const budget = checkPruneRequest(PLUGIN, request, ['lastLayerMaxSparsity']);
    const lastLayerMaxSparsity = readShareOption(
      PLUGIN,
      request.options,
      'lastLayerMaxSparsity',
      DEFAULT_LAST_LAYER_MAX_SPARSITY,
    );
    const pruneCounts = uniformPlusPruneCounts(budget, {
      firstConvKeptDense: request.weights[0].layerKind === 'conv2d',
      lastLayerMaxSparsity,
    });
    return pruneSmallestMagnitudePerLayer(request.weights, pruneCounts);
  }
}
