import { UsageError } from '../errors';
import {
  checkKeepRatio,
  checkSweepKeepRatios,
  keepCount,
  parseKeepRatioOptions,
  topNeurons,
} from './top-neurons';

describe('keepCount', () => {
  it('is ⌈ratio · units⌉, immune to float rounding, at least 1', () => {
    expect(keepCount(0.7, 10)).toBe(7); // 0.7 · 10 = 7.000000000000001 in floats
    expect(keepCount(0.3, 10)).toBe(3);
    expect(keepCount(0.25, 6)).toBe(2);
    expect(keepCount(0.34, 3)).toBe(2);
    expect(keepCount(1, 512)).toBe(512);
    expect(keepCount(1, 5)).toBe(5);
    expect(keepCount(0.001, 12)).toBe(1);
    for (let tenths = 1; tenths <= 10; tenths++) {
      expect(keepCount(tenths / 10, 512)).toBe(Math.ceil((tenths * 512) / 10));
    }
  });
});

describe('topNeurons', () => {
  it('keeps the best-scored neurons, ties to the lower index, in ascending order', () => {
    expect(topNeurons(Float64Array.from([0.1, 0.9, 0.5, 0.9, 0.2]), 3)).toEqual([1, 2, 3]);
    expect(topNeurons(Float64Array.from([3, 3, 3]), 2)).toEqual([0, 1]);
  });
});

describe('checkKeepRatio', () => {
  it('accepts shares in (0, 1] and names the plugin otherwise', () => {
    expect(checkKeepRatio('slicer-global', 0.5)).toBe(0.5);
    expect(() => checkKeepRatio('slicer-global', 0)).toThrow(
      'slicer-global: keepRatio must be a number in (0, 1], got 0',
    );
    expect(() => checkKeepRatio('slicer-global', 1.5)).toThrow(
      'slicer-global: keepRatio must be a number in (0, 1], got 1.5',
    );
  });
});

describe('parseKeepRatioOptions', () => {
  const meaning = "the share of each layer's neurons to keep";

  it('returns the keep ratio, or nothing when it is optional and missing', () => {
    expect(parseKeepRatioOptions('slicer-x', { keepRatio: 0.3 }, { meaning })).toEqual({
      keepRatio: 0.3,
    });
    expect(parseKeepRatioOptions('slicer-x', undefined, { meaning, optional: true })).toEqual({});
  });

  it('rejects a missing keep ratio, saying what it means, and unknown options', () => {
    expect(() => parseKeepRatioOptions('slicer-x', {}, { meaning })).toThrow(
      "slicer-x: option keepRatio is required: the share of each layer's neurons to keep, a number in (0, 1]",
    );
    expect(() =>
      parseKeepRatioOptions('slicer-x', { keepRatio: 0.5, theta: 1 }, { meaning }),
    ).toThrow("slicer-x: unknown option 'theta' (expected keepRatio)");
    expect(() => parseKeepRatioOptions('slicer-x', { keepRatio: 2 }, { meaning })).toThrow(
      UsageError,
    );
  });
});

describe('checkSweepKeepRatios', () => {
  it('needs at least one ratio and names the bad one by its position', () => {
    expect(() => checkSweepKeepRatios('slicer-x', [0.1, 1])).not.toThrow();
    expect(() => checkSweepKeepRatios('slicer-x', [])).toThrow(
      'slicer-x: sweep needs at least one keepRatio',
    );
    expect(() => checkSweepKeepRatios('slicer-x', [0.5, 2])).toThrow(
      'slicer-x: keepRatio #2 of the sweep must be a number in (0, 1], got 2',
    );
  });
});
