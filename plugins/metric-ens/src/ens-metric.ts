import {
  checkMetricInput,
  type LabeledDataset,
  type Metric,
  type MetricOptions,
  neuronOutputMoments,
  type NeuronModel,
  type ScoresPerLayer,
} from '@neusemslice/core';

/** Scales values to [0, 1] by the layer's min and max; a constant layer maps to 0. */
export function minMaxNormalise(values: Float64Array): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const range = max - min;
  return values.map((value) => (range > 0 ? (value - min) / range : 0));
}

/** `ens` (paper §2.3): avg and var min-max normalised within the layer, then averaged. */
export class EnsMetric implements Metric {
  readonly name = 'ens';
  readonly description = 'mean of the layer-normalised avg and var scores';

  async score(
    model: NeuronModel,
    data: LabeledDataset,
    options: MetricOptions,
  ): Promise<ScoresPerLayer> {
    checkMetricInput(this.name, model, data, options);
    const moments = await neuronOutputMoments(model, data, {
      batchSize: options.batchSize,
      task: 'score ens',
      onProgress: options.onProgress,
    });
    return Object.fromEntries(
      [...moments].map(([layerName, layerMoments]) => {
        const normalisedMeans = minMaxNormalise(layerMoments.means());
        const normalisedVariances = minMaxNormalise(layerMoments.variances());
        return [
          layerName,
          normalisedMeans.map((mean, index) => (mean + normalisedVariances[index]) / 2),
        ];
      }),
    );
  }
}
