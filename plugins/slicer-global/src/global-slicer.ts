import {
  checkLayerScores,
  createSlice,
  keepCount,
  type KeepRatioSlicing,
  type ScoresPerLayer,
  type Slice,
  type Slicer,
  type SliceRequest,
  sliceAtKeepRatio,
  sweepKeepRatios,
  topNeurons,
} from '@neusemslice/core';

/**
 * Global slicing (SPEC §3): neurons scored on the whole data set D; every layer keeps its top
 * k = ⌈keepRatio · units⌉.
 */
export class GlobalSlicer implements Slicer {
  readonly name = 'global';
  readonly description =
    "Keeps the top keepRatio of every layer's neurons, ranked by their score on the whole data set";
  readonly sweepOption = 'keepRatio';

  private readonly slicing: KeepRatioSlicing<ScoresPerLayer> = {
    plugin: 'slicer-global',
    keepRatioMeaning: "the share of each layer's neurons to keep",
    score: async ({ model, data, metric, onProgress }, batchSize) => {
      const scores = await metric.score(model, data, { batchSize, onProgress });
      checkLayerScores(metric.name, model, scores);
      return scores;
    },
    sliceAt: ({ model, metric }, scores, keepRatio) =>
      createSlice({
        model,
        metric: metric.name,
        slicer: this.name,
        options: { keepRatio },
        critical: Object.fromEntries(
          model.neuronLayers.map((layer) => [
            layer.name,
            topNeurons(scores[layer.name], keepCount(keepRatio, layer.units)),
          ]),
        ),
      }),
  };

  slice(request: SliceRequest): Promise<Slice> {
    return sliceAtKeepRatio(this.slicing, request);
  }

  /** One slice per keep ratio, from a single scoring pass. */
  sweep(request: SliceRequest, keepRatios: readonly number[]): Promise<Slice[]> {
    return sweepKeepRatios(this.slicing, request, keepRatios);
  }
}
