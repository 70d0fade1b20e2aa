// The slice/sweep outline shared by the top-k slicers (global, category-wise): check the
// keep-ratio options, score once, then build one slice per keep ratio.
import type { SliceRequest } from '../contracts/slicer';
import { checkInteger, UsageError } from '../errors';
import type { Slice } from '../slice/slice';
import { checkSweepKeepRatios, parseKeepRatioOptions } from './top-neurons';

/** Neurons scored per sample batch unless the request says otherwise. */
export const DEFAULT_SLICING_BATCH_SIZE = 128;

/** What a keep-ratio slicer adds to the shared outline: how it scores, how it builds a slice. */
export interface KeepRatioSlicing<Scores> {
  /** The plugin's short name, prefixing error messages, e.g. `slicer-global`. */
  readonly plugin: string;
  /** What keepRatio means here, for the error when it is missing. */
  readonly keepRatioMeaning: string;
  /** The expensive pass (the metric over the data), run once per slice or sweep. */
  score(request: SliceRequest, batchSize: number): Promise<Scores>;
  /** One slice from those scores at one keep ratio. */
  sliceAt(request: SliceRequest, scores: Scores, keepRatio: number): Slice;
}

async function slicesAt<Scores>(
  slicing: KeepRatioSlicing<Scores>,
  request: SliceRequest,
  keepRatios: readonly number[],
): Promise<Slice[]> {
  const batchSize = checkInteger('batchSize', request.batchSize ?? DEFAULT_SLICING_BATCH_SIZE);
  if (request.data.size === 0) {
    throw new UsageError(
      `${slicing.plugin}: data set '${request.data.name}' is empty; slicing needs samples`,
    );
  }
  const scores = await slicing.score(request, batchSize);
  return keepRatios.map((keepRatio) => slicing.sliceAt(request, scores, keepRatio));
}

/** `Slicer.slice` of a keep-ratio slicer: keepRatio is required in `request.options`. */
export async function sliceAtKeepRatio<Scores>(
  slicing: KeepRatioSlicing<Scores>,
  request: SliceRequest,
): Promise<Slice> {
  const { keepRatio } = parseKeepRatioOptions(slicing.plugin, request.options, {
    meaning: slicing.keepRatioMeaning,
  });
  const [slice] = await slicesAt(slicing, request, [keepRatio as number]);
  return slice;
}

/**
 * `Slicer.sweep` of a keep-ratio slicer: one slice per keep ratio from a single scoring pass;
 * keepRatio may be absent from `request.options` (the sweep supplies it).
 */
export async function sweepKeepRatios<Scores>(
  slicing: KeepRatioSlicing<Scores>,
  request: SliceRequest,
  keepRatios: readonly number[],
): Promise<Slice[]> {
  parseKeepRatioOptions(slicing.plugin, request.options, {
    meaning: slicing.keepRatioMeaning,
    optional: true,
  });
  checkSweepKeepRatios(slicing.plugin, keepRatios);
  return slicesAt(slicing, request, keepRatios);
}
