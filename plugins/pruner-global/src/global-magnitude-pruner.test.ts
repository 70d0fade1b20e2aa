import {
  listComponents,
  type PrunableWeight,
  registerPlugins,
  resolveComponent,
} from '@neusemslice/core';
import {
  createTestContainer,
  describePrunerContract,
  makeToyPrunableWeights,
  seededRandom,
} from '@neusemslice/core/testing';
import plugin, { GlobalMagnitudePruner } from './index';

describePrunerContract(() => new GlobalMagnitudePruner());

/** The toy weights with distinct magnitudes, so the reference's threshold has no ties. */
function distinctToyWeights(): PrunableWeight[] {
  const random = seededRandom(5);
  return makeToyPrunableWeights().map((weight) => ({
    ...weight,
    values: Float32Array.from(weight.values, () => random() * 2 - 1),
  }));
}

const countAlive = (mask: Uint8Array) => mask.reduce((sum, flag) => sum + flag, 0);

describe('GlobalMagnitudePruner', () => {
  it('gives each layer the sparsity of one magnitude threshold over all alive weights (the reference rule)', () => {
    const weights = distinctToyWeights();
    const total = weights.reduce((sum, weight) => sum + weight.values.length, 0);
    const alive = weights.reduce((sum, weight) => sum + countAlive(weight.aliveMask), 0);
    for (const targetSparsity of [0.25, 0.5, 0.9]) {
      const survivors = total - Math.round(targetSparsity * total);
      // Reference: threshold = the survivors-th largest alive |w|; a layer keeps |w| ≥ threshold.
      const aliveMagnitudes = weights
        .flatMap((weight) =>
          Array.from(weight.values)
            .filter((_, index) => weight.aliveMask[index] === 1)
            .map(Math.abs),
        )
        .sort((a, b) => b - a);
      expect(aliveMagnitudes).toHaveLength(alive);
      const threshold = aliveMagnitudes[survivors - 1];
      const masks = new GlobalMagnitudePruner().prune({ weights, targetSparsity });
      for (const weight of weights) {
        const expectedKept = Array.from(weight.values).filter(
          (value, index) => weight.aliveMask[index] === 1 && Math.abs(value) >= threshold,
        ).length;
        expect(countAlive(masks[weight.name])).toBe(expectedKept);
      }
    }
  });

  it('counts already-dead weights towards the target and ignores their values', () => {
    const weights = distinctToyWeights();
    // Make a dead weight the largest of all: it must neither survive nor take a survivor's place.
    const fc1 = weights[2];
    const fc1Dead = fc1.aliveMask.indexOf(0);
    fc1.values[fc1Dead] = 100;
    const total = weights.reduce((sum, weight) => sum + weight.values.length, 0);
    const dead = weights.reduce(
      (sum, weight) => sum + weight.values.length - countAlive(weight.aliveMask),
      0,
    );
    const masks = new GlobalMagnitudePruner().prune({ weights, targetSparsity: 0.5 });
    expect(masks[fc1.name][fc1Dead]).toBe(0);
    const newlyPruned = weights.reduce(
      (sum, weight) => sum + countAlive(weight.aliveMask) - countAlive(masks[weight.name]),
      0,
    );
    expect(newlyPruned).toBe(Math.round(0.5 * total) - dead);
  });

  it('names itself in its errors', () => {
    expect(() =>
      new GlobalMagnitudePruner().prune({ weights: makeToyPrunableWeights(), targetSparsity: 1.5 }),
    ).toThrow('pruner-global: targetSparsity must be in [0, 1], got 1.5');
  });
});

describe('the plugin', () => {
  it('registers the global pruner, found by name', () => {
    const container = registerPlugins(createTestContainer(), [plugin]);
    expect(plugin.name).toBe('@neusemslice/pruner-global');
    expect(listComponents(container, 'pruner').map((pruner) => pruner.name)).toEqual(['global']);
    expect(resolveComponent(container, 'pruner', 'global')).toBeInstanceOf(GlobalMagnitudePruner);
    expect(() => plugin.register(container)).toThrow(/already registered/);
  });
});
