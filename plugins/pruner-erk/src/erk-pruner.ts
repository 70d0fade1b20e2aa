import {
  checkPruneRequest,
  type Pruner,
  type PruneRequest,
  pruneSmallestMagnitudePerLayer,
} from '@neusemslice/core';
import { erkPruneCounts } from './erk-allocation';

const PLUGIN = 'pruner-erk';

/**
 * Erdős–Rényi-kernel pruning (Evci et al. 2020, as Lee et al. 2020 use it): survivors per layer
 * ∝ the sum of the kernel's dims (density ∝ sum / product), layers that would keep more than
 * they hold kept dense; within each layer the weights of smallest magnitude die (equal
 * magnitudes by index). It takes no options.
 */
export class ErkPruner implements Pruner {
  readonly name = 'erk';
  readonly description =
    "Prunes each layer by magnitude to an Erdős–Rényi-kernel density, ∝ (sum of the kernel's dims) / (their product)";

  prune(request: PruneRequest): Record<string, Uint8Array> {
    const budget = checkPruneRequest(PLUGIN, request);
    const pruneCounts = erkPruneCounts(
      budget,
      request.weights.map((weight) => weight.shape),
    );
    return pruneSmallestMagnitudePerLayer(request.weights, pruneCounts);
  }
}
