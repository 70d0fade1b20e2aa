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
import plugin, { LampPruner } from './index';

describePrunerContract(() => new LampPruner());

/** The toy weights (conv + dense, some dead) with distinct magnitudes: no ties in the reference. */
function distinctToyWeights(): PrunableWeight[] {
  const random = seededRandom(6);
  return makeToyPrunableWeights().map((weight) => ({
    ...weight,
    values: Float32Array.from(weight.values, () => random() * 2 - 1),
  }));
}

const countAlive = (mask: Uint8Array) => mask.reduce((sum, flag) => sum + flag, 0);

/** LAMP score by its definition, O(n²): w_u² over the sum of the alive w_v² ≥ w_u² of its layer. */
function bruteForceLampScores(weight: PrunableWeight): number[] {
  const alive = Array.from(weight.values).filter((_, index) => weight.aliveMask[index] === 1);
  return alive.map(
    (u) => (u * u) / alive.filter((v) => v * v >= u * u).reduce((sum, v) => sum + v * v, 0),
  );
}

describe('LampPruner', () => {
  it("gives each layer the reference's LAMP sparsity: survivors are the global top LAMP scores", () => {
    const weights = distinctToyWeights();
    const total = weights.reduce((sum, weight) => sum + weight.values.length, 0);
    const scoresPerLayer = weights.map(bruteForceLampScores);
    const allScores = scoresPerLayer.flat().sort((a, b) => b - a);
    for (const targetSparsity of [0.3, 0.6, 0.9, 0.97]) {
      const survivors = total - Math.round(targetSparsity * total);
      const threshold = allScores[survivors - 1];
      const masks = new LampPruner().prune({ weights, targetSparsity });
      weights.forEach((weight, layer) => {
        const expectedKept = scoresPerLayer[layer].filter((score) => score >= threshold).length;
        expect(countAlive(masks[weight.name])).toBe(expectedKept);
      });
    }
  });

  it('keeps the largest alive weight of every layer (LAMP score 1) even at 97% sparsity', () => {
    const weights = distinctToyWeights();
    // At 0.97 most layers are nearly empty, yet each still holds its largest weight (score 1).
    const masks = new LampPruner().prune({ weights, targetSparsity: 0.97 });
    for (const weight of weights) {
      let largest = -1;
      weight.values.forEach((value, index) => {
        if (
          weight.aliveMask[index] &&
          (largest < 0 || Math.abs(value) > Math.abs(weight.values[largest]))
        )
          largest = index;
      });
      expect(masks[weight.name][largest]).toBe(1);
    }
  });

  it('counts already-dead weights: they prune nothing more and do not change the ranking', () => {
    const weights = distinctToyWeights();
    const fc1 = weights[2];
    const deadIndex = fc1.aliveMask.indexOf(0);
    // A huge dead weight would lower every alive score of fc1 if it were counted in the sums.
    const inflated = weights.map((weight) =>
      weight === fc1
        ? { ...fc1, values: fc1.values.map((v, i) => (i === deadIndex ? 1e3 : v)) }
        : weight,
    );
    const plain = new LampPruner().prune({ weights, targetSparsity: 0.6 });
    const withHugeDead = new LampPruner().prune({ weights: inflated, targetSparsity: 0.6 });
    for (const weight of weights) {
      expect(Array.from(withHugeDead[weight.name])).toEqual(Array.from(plain[weight.name]));
    }
  });

  it('names itself in its errors', () => {
    expect(() =>
      new LampPruner().prune({
        weights: makeToyPrunableWeights(),
        targetSparsity: 0.5,
        options: { power: 2 },
      }),
    ).toThrow("pruner-lamp: unknown option 'power' (expected no options)");
  });
});

describe('the plugin', () => {
  it('registers the lamp pruner, found by name', () => {
    const container = registerPlugins(createTestContainer(), [plugin]);
    expect(plugin.name).toBe('@neusemslice/pruner-lamp');
    expect(listComponents(container, 'pruner').map((pruner) => pruner.name)).toEqual(['lamp']);
    expect(resolveComponent(container, 'pruner', 'lamp')).toBeInstanceOf(LampPruner);
    expect(() => plugin.register(container)).toThrow(/already registered/);
  });
});
