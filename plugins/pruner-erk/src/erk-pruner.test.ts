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
import plugin, { ErkPruner } from './index';

describePrunerContract(() => new ErkPruner());

const countAlive = (mask: Uint8Array) => mask.reduce((sum, flag) => sum + flag, 0);
const sum = (numbers: number[]) => numbers.reduce((total, value) => total + value, 0);
const product = (numbers: readonly number[]) => numbers.reduce((total, value) => total * value, 1);

function denseWeight(name: string, shape: [number, number], seed: number): PrunableWeight {
  const random = seededRandom(seed);
  const size = product(shape);
  return {
    name,
    layerKind: 'dense',
    shape,
    values: Float32Array.from({ length: size }, () => random() * 2 - 1),
    aliveMask: new Uint8Array(size).fill(1),
  };
}

/**
 * ERK survivors by water-filling, found by bisection (independent of the pruner's loop): each
 * layer keeps min(alive, c · (sum of its dims)), with c such that the survivors total
 * (alive − weightsToPrune). A layer with alive < c · (sum of dims) is the one kept dense.
 */
function waterFilledSurvivors(weights: PrunableWeight[], targetSparsity: number): number[] {
  const alive = weights.map((weight) => countAlive(weight.aliveMask));
  const erk = weights.map((weight) => sum([...weight.shape]));
  const total = sum(weights.map((weight) => weight.values.length));
  const toSurvive = total - Math.round(targetSparsity * total);
  const survivorsAt = (c: number) => alive.map((count, layer) => Math.min(count, c * erk[layer]));
  let low = 0;
  let high = total;
  for (let step = 0; step < 200; step++) {
    const middle = (low + high) / 2;
    if (sum(survivorsAt(middle)) < toSurvive) low = middle;
    else high = middle;
  }
  return survivorsAt(high);
}

describe('ErkPruner', () => {
  it('gives each layer of the toy conv + dense model its Erdős–Rényi-kernel survivors', () => {
    const weights = makeToyPrunableWeights();
    for (const targetSparsity of [0.2, 0.5, 0.8, 0.95]) {
      const expected = waterFilledSurvivors(weights, targetSparsity);
      const masks = new ErkPruner().prune({ weights, targetSparsity });
      weights.forEach((weight, layer) => {
        expect(Math.abs(countAlive(masks[weight.name]) - expected[layer])).toBeLessThan(1);
      });
    }
  });

  it('makes density ∝ (sum of dims) / (product of dims) among the layers it prunes', () => {
    const weights = [
      denseWeight('a/kernel', [60, 40], 1),
      denseWeight('b/kernel', [40, 30], 2),
      denseWeight('c/kernel', [30, 10], 3),
    ];
    const masks = new ErkPruner().prune({ weights, targetSparsity: 0.9 });
    const densityOverErk = weights.map(
      (weight) =>
        countAlive(masks[weight.name]) /
        weight.values.length /
        (sum([...weight.shape]) / product(weight.shape)),
    );
    // Equal up to one weight of rounding per layer.
    for (const ratio of densityOverErk) expect(ratio).toBeCloseTo(densityOverErk[0], 1);
  });

  it('keeps a small layer dense when its ERK density exceeds 1, and re-allocates the rest', () => {
    const small = denseWeight('small/kernel', [2, 2], 4);
    const weights = [
      denseWeight('big/kernel', [50, 40], 5),
      small,
      denseWeight('out/kernel', [40, 30], 6),
    ];
    const total = sum(weights.map((weight) => weight.values.length));
    const targetSparsity = 0.5;
    const toSurvive = total - Math.round(targetSparsity * total);
    const erkSum = sum(weights.map((weight) => sum([...weight.shape])));
    // Without the rule, the small layer's share would exceed its 4 weights.
    expect((toSurvive * 4) / erkSum).toBeGreaterThan(small.values.length);
    const masks = new ErkPruner().prune({ weights, targetSparsity });
    expect(countAlive(masks[small.name])).toBe(small.values.length);
    // The others share what is left in proportion to their sums of dims (90 : 70).
    const bigKept = countAlive(masks['big/kernel']);
    const outKept = countAlive(masks['out/kernel']);
    expect(bigKept + outKept).toBe(toSurvive - small.values.length);
    expect(Math.abs(bigKept - ((toSurvive - 4) * 90) / 160)).toBeLessThan(1);
  });

  it('counts already-dead weights: a layer whose share exceeds what is alive is kept as it is', () => {
    // Kill most of the first layer, as a slice would: its ERK share now exceeds its alive weights.
    const first = denseWeight('fc1/kernel', [30, 20], 7);
    first.aliveMask.fill(0, 0, 560);
    const weights = [first, denseWeight('fc2/kernel', [20, 10], 8)];
    const total = 600 + 200;
    const masks = new ErkPruner().prune({ weights, targetSparsity: 0.75 });
    expect(countAlive(masks[first.name])).toBe(40);
    expect(countAlive(masks['fc2/kernel'])).toBe(total - 600 - 40);
  });
});

describe('the plugin', () => {
  it('registers the erk pruner, found by name', () => {
    const container = registerPlugins(createTestContainer(), [plugin]);
    expect(plugin.name).toBe('@neusemslice/pruner-erk');
    expect(listComponents(container, 'pruner').map((pruner) => pruner.name)).toEqual(['erk']);
    expect(resolveComponent(container, 'pruner', 'erk')).toBeInstanceOf(ErkPruner);
    expect(() => plugin.register(container)).toThrow(/already registered/);
  });
});
