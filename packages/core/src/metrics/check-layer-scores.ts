import type { ScoresPerLayer } from '../contracts/metric';
import type { NeuronModel } from '../model/neuron-model';

/**
 * Throws unless `scores` holds one score per neuron of every neuron layer of `model`. A mismatch
 * is a bug in the metric `metricName`, not a user mistake, so this is a plain Error.
 */
export function checkLayerScores(
  metricName: string,
  model: NeuronModel,
  scores: ScoresPerLayer,
): void {
  for (const layer of model.neuronLayers) {
    const layerScores = scores[layer.name] as Float64Array | undefined;
    if (layerScores?.length !== layer.units) {
      throw new Error(
        `metric '${metricName}' gave ${layerScores?.length ?? 'no'} scores for layer '${layer.name}' of ${layer.units} neurons`,
      );
    }
  }
}
