import {
  checkLayerScores,
  createSlice,
  keepCount,
  type KeepRatioSlicing,
  type ScoresPerLayer,
  scorePerCategory,
  type Slice,
  type Slicer,
  type SliceRequest,
  sliceAtKeepRatio,
  sweepKeepRatios,
  topNeurons,
  unionOfCategories,
} from '@neusemslice/core';

/**
 * Category-wise slicing (SPEC §3): neurons scored on each category's samples D_c; every category
 * keeps the top k = ⌈keepRatio · units⌉ of every layer, and Ω^l is the union over categories.
 */
export class CategoryWiseSlicer implements Slicer {
  readonly name = 'category-wise';
  readonly description =
    "Keeps, per category, the top keepRatio of every layer's neurons ranked by their score on that category's samples; union over categories";
  readonly sweepOption = 'keepRatio';

  private readonly slicing: KeepRatioSlicing<Map<number, ScoresPerLayer>> = {
    plugin: 'slicer-category-wise',
    keepRatioMeaning: "the share of each layer's neurons each category keeps",
    score: async ({ model, data, metric, onProgress }, batchSize) => {
      const scoresPerCategory = await scorePerCategory(metric, model, data, {
        batchSize,
        onProgress,
      });
      for (const scores of scoresPerCategory.values()) checkLayerScores(metric.name, model, scores);
      return scoresPerCategory;
    },
    sliceAt: ({ model, metric }, scoresPerCategory, keepRatio) => {
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
    },
  };

  slice(request: SliceRequest): Promise<Slice> {
    return sliceAtKeepRatio(this.slicing, request);
  }

  /** One slice per keep ratio, from a single scoring pass per category. */
  sweep(request: SliceRequest, keepRatios: readonly number[]): Promise<Slice[]> {
    return sweepKeepRatios(this.slicing, request, keepRatios);
  }
}
