import {
  checkInteger,
  createSlice,
  type Slice,
  type Slicer,
  type SliceRequest,
  UsageError,
} from '@neusemslice/core';
import { consecutiveLayerSimilarities } from './layer-similarity';
import { type LayerSimilarity, redundantLayers, splitIntoModules } from './modules';
import { checkThreshold, type DeepArcOptions, parseDeepArcOptions, PLUGIN } from './options';

const DEFAULT_BATCH_SIZE = 128;

/**
 * DeepArc (Ren et al. 2023), the layer-level baseline: consecutive neuron layers whose outputs have
 * CKA above the threshold form a module, and every layer of a module but its first is redundant.
 * The slice keeps all neurons of the other layers and none of the redundant ones. The metric is
 * not used (its name is still recorded).
 */
export class DeepArcSlicer implements Slicer {
  readonly name = 'deeparc';
  readonly description =
    'DeepArc baseline: layers whose output CKA with the previous layer exceeds threshold are redundant (no critical neurons); all other layers are kept whole';
  readonly sweepOption = 'threshold';

  async slice(request: SliceRequest): Promise<Slice> {
    const options = parseDeepArcOptions(request.options);
    const [slice] = await this.slicesAt(request, options, [options.threshold]);
    return slice;
  }

  /** One slice per threshold, from a single pass that measures the layer similarities. */
  async sweep(request: SliceRequest, thresholds: readonly number[]): Promise<Slice[]> {
    const options = parseDeepArcOptions(request.options);
    if (thresholds.length === 0)
      throw new UsageError(`${PLUGIN}: sweep needs at least one threshold`);
    thresholds.forEach((threshold, index) =>
      checkThreshold(threshold, `threshold #${index + 1} of the sweep`),
    );
    return this.slicesAt(request, options, thresholds);
  }

  private async slicesAt(
    request: SliceRequest,
    options: DeepArcOptions,
    thresholds: readonly number[],
  ): Promise<Slice[]> {
    const { model, data, metric } = request;
    const batchSize = checkInteger('batchSize', request.batchSize ?? DEFAULT_BATCH_SIZE);
    if (data.size === 0) {
      throw new UsageError(`${PLUGIN}: data set '${data.name}' is empty; slicing needs samples`);
    }
    const { similarities, estimator } = await consecutiveLayerSimilarities(model, data, {
      features: options.features,
      estimator: options.estimator,
      batchSize,
      onProgress: request.onProgress,
    });
    const layerNames = model.neuronLayers.map((layer) => layer.name);
    return thresholds.map((threshold) => {
      const modules = splitIntoModules(
        layerNames,
        similarities.map((similarity) => similarity.cka),
        threshold,
      );
      const redundant = new Set(redundantLayers(modules));
      return createSlice({
        model,
        metric: metric.name,
        slicer: this.name,
        options: {
          threshold,
          features: options.features,
          estimator,
          similarities: similarities.map((similarity): LayerSimilarity => ({ ...similarity })),
          modules,
        },
        critical: Object.fromEntries(
          model.neuronLayers.map((layer) => [
            layer.name,
            redundant.has(layer.name) ? [] : Array.from({ length: layer.units }, (_, unit) => unit),
          ]),
        ),
      });
    });
  }
}
