import { NeuronModel, type ScoresPerLayer } from '@neusemslice/core';
import { makeTinyMlp } from '@neusemslice/core/testing';
import { bandMasks, bandNeurons, type PilotRow, withTrends } from './pilot';

describe('bandNeurons', () => {
  const ranked = Array.from({ length: 12 }, (_, index) => 11 - index);

  it('takes the ranks in [from, to) of the layer', () => {
    expect(bandNeurons(ranked, [0, 0.25])).toEqual([11, 10, 9]);
    expect(bandNeurons(ranked, [0.25, 0.5])).toEqual([8, 7, 6]);
  });

  it('tiles the ranking without gap or overlap for the tenths', () => {
    const tenths = Array.from({ length: 10 }, (_, i) => [i / 10, (i + 1) / 10] as const);
    for (const units of [3, 8, 12, 17, 512]) {
      const order = Array.from({ length: units }, (_, index) => index);
      const covered = tenths.flatMap((band) => bandNeurons(order, band));
      expect(covered).toEqual(order);
    }
  });
});

describe('bandMasks', () => {
  const model = new NeuronModel(makeTinyMlp({ hidden: [12, 8], seed: 5 }));
  // Score = neuron index, so rank r holds neuron units − 1 − r.
  const scores: ScoresPerLayer = Object.fromEntries(
    model.neuronLayers.map((layer) => [
      layer.name,
      Float64Array.from({ length: layer.units }, (_, i) => i),
    ]),
  );

  it("zeroes exactly the band's neurons of every layer", () => {
    const masks = bandMasks(model, scores, [0.1, 0.5]);
    for (const layer of model.neuronLayers) {
      const zeroed = Array.from(masks[layer.name]).flatMap((value, index) =>
        value === 0 ? [index] : [],
      );
      const from = Math.round(0.1 * layer.units);
      const to = Math.round(0.5 * layer.units);
      expect(zeroed).toHaveLength(to - from);
      const expected = Array.from({ length: to - from }, (_, r) => layer.units - 1 - (from + r));
      expect(zeroed).toEqual(expected.sort((a, b) => a - b));
    }
  });

  it('names the layer whose scores are missing or the wrong length', () => {
    expect(() => bandMasks(model, { fc1: scores.fc1 }, [0, 0.1])).toThrow(
      /layer 'fc2'.*expected 8/,
    );
  });
});

describe('withTrends', () => {
  it('marks rises and falls against the previous band of the same series', () => {
    const row = (category: PilotRow['category'], from: number, accuracy: number): PilotRow => ({
      metric: 'm',
      setting: 'category-wise',
      band: [from, from + 0.1],
      category,
      accuracy,
      maskedNeurons: 1,
    });
    const trends = withTrends([
      row(0, 0, 0.5),
      row(1, 0, 0.9),
      row(0, 0.1, 0.4),
      row(1, 0.1, 0.95),
      row(0, 0.2, 0.4),
    ]);
    expect(trends.map((r) => r.trend)).toEqual([undefined, undefined, 'down', 'up', 'flat']);
  });
});
