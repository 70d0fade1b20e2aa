import { NeuronModel } from '@neusemslice/core';
import { makeSeparableDataset, makeTinyCnn, seededRandom } from '@neusemslice/core/testing';
import {
  capturedFeatures,
  correlatedFeatures,
  bruteForceCurve,
  crossProductOf,
} from './__fixtures__/brute-force';
import {
  flattenedGramProducts,
  gramProductsOfCrossProduct,
  similarityCurve,
  smallestPrefix,
} from './similarity-scan';

function shuffled(units: number, random: () => number): number[] {
  const order = Array.from({ length: units }, (_, index) => index);
  for (let i = units - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function expectCurvesClose(actual: Float64Array, expected: Float64Array, tolerance: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, index) => {
    expect(Math.abs(value - expected[index])).toBeLessThan(tolerance);
  });
}

describe('similarityCurve', () => {
  for (const centered of [true, false]) {
    it(`equals brute-force CKA of every prefix on random data (${centered ? 'centred' : 'uncentred'})`, () => {
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed);
        const features = correlatedFeatures(random, 40, 11);
        const order = shuffled(features.units, random);
        const cross = crossProductOf(features.values, features.samples, features.units, centered);
        const curve = similarityCurve(
          gramProductsOfCrossProduct(cross, features.units),
          features.units,
          order,
        );
        const expected = bruteForceCurve(features, order, centered);
        expectCurvesClose(curve, expected, 1e-6);
        // The curve is informative: some prefix is far from the whole layer.
        expect(Math.min(...curve)).toBeLessThan(0.9);
      }
    });

    it(`equals brute force for flattened multi-position neurons (${centered ? 'centred' : 'uncentred'})`, () => {
      const random = seededRandom(11);
      const features = correlatedFeatures(random, 30, 5, 4);
      const order = shuffled(features.units, random);
      const width = features.units * features.positions;
      const cross = crossProductOf(features.values, features.samples, width, centered);
      const curve = similarityCurve(
        flattenedGramProducts(cross, features.units, features.positions),
        features.units,
        order,
      );
      expectCurvesClose(curve, bruteForceCurve(features, order, centered), 1e-6);
    });
  }

  it('equals brute force on the flattened maps of a tiny conv net', () => {
    const model = new NeuronModel(makeTinyCnn({ seed: 5 }));
    const data = makeSeparableDataset({
      samplesPerClass: 8,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 2,
    });
    const [batch] = [...data.batches(data.size)];
    const captured = capturedFeatures(model, batch.x, true);
    batch.x.dispose();
    const random = seededRandom(4);
    for (const layer of model.neuronLayers) {
      const features = captured[layer.name];
      if (layer.kind === 'conv2d') expect(features.positions).toBeGreaterThan(1);
      const order = shuffled(layer.units, random);
      for (const centered of [true, false]) {
        const width = features.units * features.positions;
        const cross = crossProductOf(features.values, features.samples, width, centered);
        const curve = similarityCurve(
          flattenedGramProducts(cross, features.units, features.positions),
          layer.units,
          order,
        );
        expectCurvesClose(curve, bruteForceCurve(features, order, centered), 1e-6);
      }
    }
  });

  it('ends at exactly 1 and never exceeds it', () => {
    const random = seededRandom(9);
    const features = correlatedFeatures(random, 25, 16);
    const cross = crossProductOf(features.values, features.samples, features.units, true);
    const curve = similarityCurve(
      gramProductsOfCrossProduct(cross, features.units),
      features.units,
      shuffled(features.units, random),
    );
    expect(curve[features.units - 1]).toBe(1);
    expect(Math.max(...curve)).toBeLessThanOrEqual(1);
    expect(Math.min(...curve)).toBeGreaterThanOrEqual(0);
  });

  it('gives a curve of ones for a layer whose features are constant', () => {
    const units = 4;
    const values = new Float64Array(10 * units).fill(0.5);
    const cross = crossProductOf(values, 10, units, true);
    const curve = similarityCurve(gramProductsOfCrossProduct(cross, units), units, [2, 0, 3, 1]);
    expect(Array.from(curve)).toEqual([1, 1, 1, 1]);
  });

  it('reaches 1 before the end when the remaining neurons are dead', () => {
    const random = seededRandom(3);
    const features = correlatedFeatures(random, 20, 6);
    // Neurons 4 and 5 are dead (always 0) and ranked last.
    for (let row = 0; row < 20; row++) {
      features.values[row * 6 + 4] = 0;
      features.values[row * 6 + 5] = 0;
    }
    const cross = crossProductOf(features.values, 20, 6, true);
    const curve = similarityCurve(gramProductsOfCrossProduct(cross, 6), 6, [0, 1, 2, 3, 4, 5]);
    expect(curve[3]).toBeCloseTo(1, 12);
    expect(smallestPrefix(curve, 1).size).toBeLessThanOrEqual(6);
    expect(smallestPrefix(curve, 0.999999).size).toBeLessThanOrEqual(4);
  });

  it('rejects a ranked order that is not a permutation, and a matrix of the wrong size', () => {
    const products = new Float64Array(9).fill(1);
    expect(() => similarityCurve(products, 3, [0, 1])).toThrow(/expected 3/);
    expect(() => similarityCurve(products, 3, [0, 1, 1])).toThrow(
      /each neuron 0 … 2 once; entry 2 is 1/,
    );
    expect(() => similarityCurve(products, 3, [0, 1, 3])).toThrow(/entry 2 is 3/);
    expect(() => similarityCurve(products, 4, [0, 1, 2, 3])).toThrow(/expected 4 × 4/);
    expect(() => flattenedGramProducts(new Float64Array(36), 3, 3)).toThrow(/expected 9 × 9/);
  });

  it('scans a 512-neuron layer in well under 100 ms', () => {
    const units = 512;
    const random = seededRandom(1);
    const products = Float64Array.from({ length: units * units }, () => random());
    const order = shuffled(units, random);
    similarityCurve(products, units, order); // warm-up (JIT)
    const startedAt = performance.now();
    const curve = similarityCurve(products, units, order);
    const elapsedMs = performance.now() - startedAt;
    expect(curve[units - 1]).toBe(1);
    // Typically ~1 ms; the bound is loose so a busy machine does not fail it.
    expect(elapsedMs).toBeLessThan(100);
  });
});

describe('smallestPrefix', () => {
  const curve = Float64Array.from([0.2, 0.96, 0.9, 0.97, 0.98, 1]);

  it('picks the first prefix whose similarity reaches theta, not the first after the curve stays above', () => {
    expect(smallestPrefix(curve, 0.95)).toEqual({ size: 2, similarity: 0.96 });
    expect(smallestPrefix(curve, 0.96)).toEqual({ size: 2, similarity: 0.96 });
    expect(smallestPrefix(curve, 0.965)).toEqual({ size: 4, similarity: 0.97 });
    expect(smallestPrefix(curve, 0.1)).toEqual({ size: 1, similarity: 0.2 });
  });

  it('considers only sizes step, 2·step, … and the whole layer', () => {
    expect(smallestPrefix(curve, 0.95, 2)).toEqual({ size: 2, similarity: 0.96 });
    expect(smallestPrefix(curve, 0.965, 2)).toEqual({ size: 4, similarity: 0.97 });
    // Sizes 3 and then the whole layer (6).
    expect(smallestPrefix(curve, 0.95, 3)).toEqual({ size: 6, similarity: 1 });
    // Sizes 4, then 6: the last addition is smaller than the step.
    expect(smallestPrefix(curve, 0.99, 4)).toEqual({ size: 6, similarity: 1 });
    expect(smallestPrefix(curve, 0.5, 10)).toEqual({ size: 6, similarity: 1 });
  });

  it('always reaches the whole layer, at sim = 1, for theta = 1', () => {
    expect(smallestPrefix(curve, 1)).toEqual({ size: 6, similarity: 1 });
  });

  it('rejects a bad theta or step', () => {
    expect(() => smallestPrefix(curve, 1.5)).toThrow(
      'slicer-semantic: theta must be a number in (0, 1], got 1.5',
    );
    expect(() => smallestPrefix(curve, 0)).toThrow(/theta must be a number in \(0, 1\], got 0/);
    expect(() => smallestPrefix(curve, 0.9, 0)).toThrow(
      'slicer-semantic: step must be an integer ≥ 1, got 0',
    );
    expect(() => smallestPrefix(new Float64Array(0), 0.9)).toThrow(/empty/);
  });
});
