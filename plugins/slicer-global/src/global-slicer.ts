import {
  checkInteger,
  checkLayerScores,
  checkSweepKeepRatios,
  createSlice,
  keepCount,
  parseKeepRatioOptions,
  type ScoresPerLayer,
  type Slice,
  type Slicer,
  type SliceRequest,
  topNeurons,
  UsageError,
} from '@neusemslice/core';

const PLUGIN = 'slicer-global';
const DEFAULT_BATCH_SIZE = 128;
/** What keepRatio means here, for the error when it is missing. */
const KEEP_RATIO_MEANING = "the share of each layer's neurons to keep";

/**
 * Global slicing (SPEC §3): neurons scored on the whole data set D; every layer keeps its top
 * k = ⌈keepRatio · units⌉.
 */
export class GlobalSlicer implements Slicer {
  readonly name = 'global';
  readonly description =
    "Keeps the top keepRatio of every layer's neurons, ranked by their score on the whole data set";
  readonly sweepOption = 'keepRatio';

  async slice(request: SliceRequest): Promise<Slice> {
    const { keepRatio } = parseKeepRatioOptions(PLUGIN, request.options, {
      meaning: KEEP_RATIO_MEANING,
    });
    const [slice] = await this.slicesAt(request, [keepRatio as number]);
    return slice;
  }

  /** One slice per keep ratio, from a single scoring pass. */
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
    const scores: ScoresPerLayer = await metric.score(model, data, {
      batchSize,
      onProgress: request.onProgress,
    });
    checkLayerScores(metric.name, model, scores);
    return keepRatios.map((keepRatio) =>
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
    );
  }
}
