import {
  checkInteger,
  checkLayerScores,
  checkSweepKeepRatios,
  createSlice,
  keepCount,
  parseKeepRatioOptions,
  scorePerCategory,
  type Slice,
  type Slicer,
  type SliceRequest,
  topNeurons,
  UsageError,
  unionOfCategories,
} from '@neusemslice/core';

const PLUGIN = 'slicer-category-wise';
const DEFAULT_BATCH_SIZE = 128;
/** What keepRatio means here, for the error when it is missing. */
const KEEP_RATIO_MEANING = "the share of each layer's neurons each category keeps";

/**
 * Category-wise slicing (SPEC §3): neurons scored on each category's samples D_c; every category
 * keeps the top k = ⌈keepRatio · units⌉ of every layer, and Ω^l is the union over categories.
 */
export class CategoryWiseSlicer implements Slicer {
  readonly name = 'category-wise';
  readonly description =
    "Keeps, per category, the top keepRatio of every layer's neurons ranked by their score on that category's samples; union over categories";
  readonly sweepOption = 'keepRatio';

  async slice(request: SliceRequest): Promise<Slice> {
    const { keepRatio } = parseKeepRatioOptions(PLUGIN, request.options, {
      meaning: KEEP_RATIO_MEANING,
    });
    const [slice] = await this.slicesAt(request, [keepRatio as number]);
    return slice;
  }

  /** One slice per keep ratio, from a single scoring pass per category. */
  async sweep(request: SliceRequest, keepRatios: readonly number[]): Promise<Slice[]> {
    parseKeepRatioOptions(PLUGIN, request.options, {
      meaning: KEEP_RATIO_MEANING,
      optional: true,
    });
    checkSweepKeepRatios(PLUGIN, keepRatios);
    return this.slicesAt(request, keepRatios);
  }

  private async slicesAt(request: SliceRequest, keepRatios: readonly number[]): Promise<Slice[]> {
    const { model, data, metric } = request;
    const batchSize = checkInteger('batchSize', request.batchSize ?? DEFAULT_BATCH_SIZE);
    if (data.size === 0) {
      throw new UsageError(`${PLUGIN}: data set '${data.name}' is empty; slicing needs samples`);
    }
    const scoresPerCategory = await scorePerCategory(metric, model, data, {
      batchSize,
      onProgress: request.onProgress,
    });
    for (const scores of scoresPerCategory.values()) checkLayerScores(metric.name, model, scores);
    return keepRatios.map((keepRatio) => {
      const perCategory: Record<number, Record<string, number[]>> = {};
      for (const [category, scores] of scoresPerCategory) {
        perCategory[category] = Object.fromEntries(
          model.neuronLayers.map((layer) => [
            layer.name,
            topNeurons(scores[layer.name], keepCount(keepRatio, layer.units)),
          ]),
        );
      }
      return createSlice({
        model,
        metric: metric.name,
        slicer: this.name,
        options: { keepRatio },
        critical: unionOfCategories(perCategory),
        perCategory,
      });
    });
  }
}
