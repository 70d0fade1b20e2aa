import type { PrunableWeight } from '../contracts/pruner';
import {
  lowestScoredAlive,
  pruneLowestScored,
  pruneSmallestMagnitudePerLayer,
} from './keep-top-scores';

const weight = (name: string, values: number[], alive: number[]): PrunableWeight => ({
  name,
  layerKind: 'dense',
  shape: [values.length, 1],
  values: Float32Array.from(values),
  aliveMask: Uint8Array.from(alive),
});

describe('lowestScoredAlive', () => {
  it('picks the lowest-scored alive positions, ties to the lower position', () => {
    // Alive scores 5, 1, 3, 1, 3 (position 4 is dead): the two 1s, then the first 3.
    const positions = lowestScoredAlive([5, 1, 3, 1, 0, 3], [1, 1, 1, 1, 0, 1], 3);
    expect(Array.from(positions)).toEqual([1, 2, 3]);
    expect(Array.from(lowestScoredAlive([2, 2, 2], [1, 1, 1], 2))).toEqual([0, 1]);
  });

  it('refuses to pick more than are alive', () => {
    expect(() => lowestScoredAlive([1, 2], [1, 0], 2)).toThrow('cannot pick 2 of 1 alive weights');
  });
});

describe('pruneLowestScored', () => {
  it('ranks all layers together, ties to the earlier layer, and never changes the request', () => {
    const weights = [weight('a', [1, 2, 3], [1, 1, 1]), weight('b', [2, 0.5, 9], [1, 1, 0])];
    const scores = weights.map((w) => Float64Array.from(w.values));
    const masks = pruneLowestScored(weights, scores, 3);
    // 0.5 (b), 1 (a), then the tie 2 (a) vs 2 (b) goes to a.
    expect(Array.from(masks.a)).toEqual([0, 0, 1]);
    expect(Array.from(masks.b)).toEqual([1, 0, 0]);
    expect(Array.from(weights[1].aliveMask)).toEqual([1, 1, 0]);
  });
});

describe('pruneSmallestMagnitudePerLayer', () => {
  it('prunes each layer by |w| to its own count', () => {
    const weights = [weight('a', [-4, 1, -2, 3], [1, 1, 1, 1]), weight('b', [5, -6, 1], [1, 1, 0])];
    const masks = pruneSmallestMagnitudePerLayer(weights, [2, 1]);
    expect(Array.from(masks.a)).toEqual([1, 0, 0, 1]);
    expect(Array.from(masks.b)).toEqual([0, 1, 0]);
  });
});
