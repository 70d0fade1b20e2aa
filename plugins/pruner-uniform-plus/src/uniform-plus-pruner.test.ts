import {
  isUsageError,
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
import plugin, { UniformPlusPruner } from './index';

describePrunerContract(() => new UniformPlusPruner(), {
  pruneOptions: { lastLayerMaxSparsity: 0.8 },
});

/** A toy weight set with distinct magnitudes: conv + dense (first layer conv) or dense only. */
function distinctToyWeights(kind: 'conv-and-dense' | 'dense'): PrunableWeight[] {
  const random = seededRandom(7);
  return makeToyPrunableWeights({ kind }).map((weight) => ({
    ...weight,
    values: Float32Array.from(weight.values, () => random() * 2 - 1),
  }));
}

const countAlive = (mask: Uint8Array) => mask.reduce((sum, flag) => sum + flag, 0);
const sum = (numbers: number[]) => numbers.reduce((total, value) => total + value, 0);

/**
 * The reference's Unif+ amounts (share of each layer's alive weights to prune), in real numbers:
 * first conv layer 0; one share f elsewhere; if the last layer would keep fewer than its floor,
 * it keeps exactly the floor and the middle layers share the rest.
 */
function referenceAmounts(
  weights: PrunableWeight[],
  targetSparsity: number,
  lastLayerMaxSparsity = 0.8,
): number[] {
  const alive = weights.map((weight) => countAlive(weight.aliveMask));
  const sizes = weights.map((weight) => weight.values.length);
  const toPrune = Math.round(targetSparsity * sum(sizes)) - (sum(sizes) - sum(alive));
  const firstDense = weights[0].layerKind === 'conv2d';
  const prunable = firstDense ? alive.slice(1) : alive;
  const share = toPrune / sum(prunable);
  const lastAlive = alive[alive.length - 1];
  const lastFloor = Math.ceil((1 - lastLayerMaxSparsity) * sizes[sizes.length - 1] - 1e-9);
  const middleCount = prunable.length - 1;
  let amounts: number[];
  if ((1 - share) * lastAlive >= lastFloor) {
    amounts = prunable.map(() => share);
  } else {
    const lastToPrune = lastAlive - lastFloor;
    const middleShare = (toPrune - lastToPrune) / sum(prunable.slice(0, middleCount));
    amounts = [...Array<number>(middleCount).fill(middleShare), lastToPrune / lastAlive];
  }
  return firstDense ? [0, ...amounts] : amounts;
}

describe('UniformPlusPruner', () => {
  for (const kind of ['conv-and-dense', 'dense'] as const) {
    it(`prunes each layer of the ${kind} toy model by the reference's Unif+ amounts`, () => {
      const weights = distinctToyWeights(kind);
      for (const targetSparsity of [0.3, 0.6, 0.85]) {
        const amounts = referenceAmounts(weights, targetSparsity);
        const masks = new UniformPlusPruner().prune({ weights, targetSparsity });
        weights.forEach((weight, layer) => {
          const alive = countAlive(weight.aliveMask);
          const pruned = alive - countAlive(masks[weight.name]);
          expect(Math.abs(pruned - amounts[layer] * alive)).toBeLessThan(1);
        });
      }
    });
  }

  it('keeps a first conv layer dense, and prunes a first dense layer like the others', () => {
    const conv = distinctToyWeights('conv-and-dense');
    const convMasks = new UniformPlusPruner().prune({ weights: conv, targetSparsity: 0.7 });
    expect(Array.from(convMasks[conv[0].name])).toEqual(Array.from(conv[0].aliveMask));
    const dense = distinctToyWeights('dense');
    const denseMasks = new UniformPlusPruner().prune({ weights: dense, targetSparsity: 0.7 });
    const firstAlive = countAlive(dense[0].aliveMask);
    const secondAlive = countAlive(dense[1].aliveMask);
    const firstShare = 1 - countAlive(denseMasks[dense[0].name]) / firstAlive;
    const secondShare = 1 - countAlive(denseMasks[dense[1].name]) / secondAlive;
    expect(firstShare).toBeGreaterThan(0.5);
    expect(Math.abs(firstShare - secondShare)).toBeLessThan(1 / secondAlive + 1 / firstAlive);
  });

  it('caps the last layer at lastLayerMaxSparsity of its size and spreads the excess over the middle', () => {
    const weights = distinctToyWeights('conv-and-dense');
    const last = weights[weights.length - 1];
    for (const lastLayerMaxSparsity of [0.8, 0.5]) {
      const masks = new UniformPlusPruner().prune({
        weights,
        targetSparsity: 0.85,
        options: { lastLayerMaxSparsity },
      });
      const floor = Math.ceil((1 - lastLayerMaxSparsity) * last.values.length - 1e-9);
      expect(countAlive(masks[last.name])).toBe(floor);
      // The middle layers lose a larger share than the uniform one would have been.
      const middle = weights.slice(1, -1);
      const middleAliveBefore = sum(middle.map((weight) => countAlive(weight.aliveMask)));
      const middleAliveAfter = sum(middle.map((weight) => countAlive(masks[weight.name])));
      const uniformShare = referenceAmounts(weights, 0.85, 1)[1];
      expect(1 - middleAliveAfter / middleAliveBefore).toBeGreaterThan(uniformShare);
    }
  });

  it('counts already-dead weights: each layer loses a share of its alive weights', () => {
    const weights = distinctToyWeights('conv-and-dense');
    const masks = new UniformPlusPruner().prune({ weights, targetSparsity: 0.5 });
    const total = sum(weights.map((weight) => weight.values.length));
    expect(
      sum(weights.map((weight) => weight.values.length - countAlive(masks[weight.name]))),
    ).toBe(Math.round(0.5 * total));
    // conv2 (36 of 216 dead) and fc1 (24 of 384 dead) lose the same share of their alive weights.
    const shares = [1, 2].map(
      (layer) => 1 - countAlive(masks[weights[layer].name]) / countAlive(weights[layer].aliveMask),
    );
    expect(Math.abs(shares[0] - shares[1])).toBeLessThan(1 / 180 + 1 / 360);
  });

  it('refuses a target its rules cannot reach, and a bad lastLayerMaxSparsity', () => {
    const weights = distinctToyWeights('conv-and-dense');
    let error: unknown;
    try {
      new UniformPlusPruner().prune({ weights, targetSparsity: 0.95 });
    } catch (caught) {
      error = caught;
    }
    expect(isUsageError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^pruner-uniform-plus: targetSparsity 0.95 .* out of reach: the first conv layer is kept dense and the last layer keeps at least 16 weights/,
    );
    expect(() =>
      new UniformPlusPruner().prune({
        weights,
        targetSparsity: 0.5,
        options: { lastLayerMaxSparsity: 1.2 },
      }),
    ).toThrow(
      'pruner-uniform-plus: option lastLayerMaxSparsity must be a number in [0, 1], got 1.2',
    );
  });
});

describe('the plugin', () => {
  it('registers the uniform-plus pruner, found by name', () => {
    const container = registerPlugins(createTestContainer(), [plugin]);
    expect(plugin.name).toBe('@neusemslice/pruner-uniform-plus');
    expect(listComponents(container, 'pruner').map((pruner) => pruner.name)).toEqual([
      'uniform-plus',
    ]);
    expect(resolveComponent(container, 'pruner', 'uniform-plus')).toBeInstanceOf(UniformPlusPruner);
    expect(() => plugin.register(container)).toThrow(/already registered/);
  });
});
