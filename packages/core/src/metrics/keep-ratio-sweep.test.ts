import type { SliceRequest } from '../contracts/slicer';
import type { Slice } from '../slice/slice';
import { type KeepRatioSlicing, sliceAtKeepRatio, sweepKeepRatios } from './keep-ratio-sweep';

/** A slicing whose "slice" is just the keep ratio it was built at, counting its scoring passes. */
function recordingSlicing() {
  const batchSizes: number[] = [];
  const slicing: KeepRatioSlicing<string> = {
    plugin: 'slicer-test',
    keepRatioMeaning: 'the share to keep',
    score: async (_request, batchSize) => {
      batchSizes.push(batchSize);
      return 'scores';
    },
    sliceAt: (_request, scores, keepRatio) => ({ scores, keepRatio }) as unknown as Slice,
  };
  return { slicing, batchSizes };
}

const request = (options: Record<string, unknown>, size = 3): SliceRequest =>
  ({ data: { name: 'toy', size }, options }) as unknown as SliceRequest;

describe('keep-ratio slice and sweep outline', () => {
  it('scores once, with the default batch size, and builds one slice per ratio', async () => {
    const { slicing, batchSizes } = recordingSlicing();
    const slices = await sweepKeepRatios(slicing, request({}), [0.2, 0.5]);
    expect(slices).toEqual([
      { scores: 'scores', keepRatio: 0.2 },
      { scores: 'scores', keepRatio: 0.5 },
    ]);
    expect(batchSizes).toEqual([128]);
    expect(await sliceAtKeepRatio(slicing, request({ keepRatio: 0.3 }))).toEqual({
      scores: 'scores',
      keepRatio: 0.3,
    });
  });

  it('checks options, sweep values and data before scoring', async () => {
    const { slicing, batchSizes } = recordingSlicing();
    await expect(sliceAtKeepRatio(slicing, request({}))).rejects.toThrow(
      'slicer-test: option keepRatio is required: the share to keep',
    );
    await expect(sweepKeepRatios(slicing, request({}), [0.5, 0])).rejects.toThrow(
      'keepRatio #2 of the sweep must be a number in (0, 1], got 0',
    );
    await expect(sliceAtKeepRatio(slicing, request({ keepRatio: 0.5 }, 0))).rejects.toThrow(
      "slicer-test: data set 'toy' is empty",
    );
    expect(batchSizes).toEqual([]);
  });
});
