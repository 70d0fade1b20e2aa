import type { Pruner, PruneRequest } from '@neusemslice/core';

/**
 * A plain global-magnitude pruner for tests (the real ones are plugins): keeps the largest |w|
 * over all layers, dead weights first to go.
 */
export class TestMagnitudePruner implements Pruner {
  readonly name = 'test-magnitude';
  readonly description = 'global magnitude (test fixture)';
  readonly requests: PruneRequest[] = [];

  prune(request: PruneRequest): Record<string, Uint8Array> {
    this.requests.push(request);
    const entries: { weight: number; index: number; magnitude: number }[] = [];
    request.weights.forEach((weight, weightIndex) => {
      weight.values.forEach((value, index) =>
        entries.push({
          weight: weightIndex,
          index,
          magnitude: weight.aliveMask[index] ? Math.abs(value) : -1,
        }),
      );
    });
    const deadCount = Math.round(request.targetSparsity * entries.length);
    entries.sort((a, b) => a.magnitude - b.magnitude);
    const masks = request.weights.map((weight) => Uint8Array.from(weight.aliveMask));
    for (const entry of entries.slice(0, deadCount)) masks[entry.weight][entry.index] = 0;
    return Object.fromEntries(request.weights.map((weight, index) => [weight.name, masks[index]]));
  }
}
