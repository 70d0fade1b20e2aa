import {
  checkMetricInput,
  type LabeledDataset,
  type Metric,
  type MetricOptions,
  neuronOutputMoments,
  type NeuronModel,
  type ScoresPerLayer,
} from '@neusemslice/core';

/** `var` (paper §2.3): the population variance over the data of each neuron's output. */
export class VarMetric implements Metric {
  readonly name = 'var';
  readonly description = 'population variance of each neuron’s output over the data';

  async score(
    model: NeuronModel,
    data: LabeledDataset,
    options: MetricOptions,
  ): Promise<ScoresPerLayer> {
    checkMetricInput(this.name, model, data, options);
    const moments = await neuronOutputMoments(model, data, {
      batchSize: options.batchSize,
      task: 'score var',
      onProgress: options.onProgress,
    });
    return Object.fromEntries(
      [...moments].map(([layerName, layerMoments]) => [layerName, layerMoments.variances()]),
    );
  }
}
