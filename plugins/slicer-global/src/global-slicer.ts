import {
  checkInteger,
  createSlice,
  type ScoresPerLayer,
  type Slice,
  type Slicer,
  type SliceRequest,
  UsageError,
} from '@neusemslice/core';
import { checkKeepRatio, keepCount, topNeurons } from '@neusemslice/core';
import { parseGlobalOptions, PLUGIN } from './options';

const DEFAULT_BATCH_SIZE = 128;

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
    const { keepRatio } = parseGlobalOptions(request.options);
    const [slice] = await this.slicesAt(request, [keepRatio as number]);
    return slice;
  }

  /** One slice per keep ratio, from a single scoring pass. */
  async sweep(request: SliceRequest, keepRatios: readonly number[]): Promise<Slice[]> {
    parseGlobalOptions(request.options, { optional: true });
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
    const scores: ScoresPerLayer = await metric.score(model, data, {
      batchSize,
      onProgress: request.onProgress,
    });
    for (const layer of model.neuronLayers) {
      if (scores[layer.name]?.length !== layer.units) {
        throw new Error(
          `metric '${metric.name}' gave ${scores[layer.name]?.length ?? 'no'} scores for layer '${layer.name}' of ${layer.units} neurons`,
        );
      }
    }
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
