import {
  checkInteger,
  createSlice,
  type ScoresPerLayer,
  scorePerCategory,
  type Slice,
  type Slicer,
  type SliceRequest,
  UsageError,
  unionOfCategories,
} from '@neusemslice/core';
import { checkKeepRatio, keepCount, topNeurons } from '@neusemslice/core';
import { parseCategoryWiseOptions, PLUGIN } from './options';

const DEFAULT_BATCH_SIZE = 128;

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
    const { keepRatio } = parseCategoryWiseOptions(request.options);
    const [slice] = await this.slicesAt(request, [keepRatio as number]);
    return slice;
  }

  /** One slice per keep ratio, from a single scoring pass per category. */
  async sweep(request: SliceRequest, keepRatios: readonly number[]): Promise<Slice[]> {
    parseCategoryWiseOptions(request.options, { optional: true });
    if (keepRatios.length === 0)
      throw new UsageError(`${PLUGIN}: sweep needs at least one keepRatio`);
    keepRatios.forEach((ratio, index) =>
      checkKeepRatio(PLUGIN, ratio, `keepRatio #${index + 1} of the sweep`),
    );
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
    for (const scores of scoresPerCategory.values()) checkScores(request, scores);
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

function checkScores({ model, metric }: SliceRequest, scores: ScoresPerLayer): void {
  for (const layer of model.neuronLayers) {
    if (scores[layer.name]?.length !== layer.units) {
      throw new Error(
        `metric '${metric.name}' gave ${scores[layer.name]?.length ?? 'no'} scores for layer '${layer.name}' of ${layer.units} neurons`,
      );
    }
  }
}
