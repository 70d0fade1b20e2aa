import {
  checkMetricInput,
  type LabeledDataset,
  type Metric,
  type MetricOptions,
  neuronOutputMoments,
  type NeuronModel,
  type ScoresPerLayer,
} from '@neusemslice/core';

/** `avg` (paper §2.3): the mean over the data of each neuron's post-activation output. */
export class AvgMetric implements Metric {
  readonly name = 'avg';
  readonly description = 'mean of each neuron’s output over the data';

  async score(
    model: NeuronModel,
    data: LabeledDataset,
    options: MetricOptions,
  ): Promise<ScoresPerLayer> {
    checkMetricInput(this.name, model, data, options);
    const moments = await neuronOutputMoments(model, data, {
      batchSize: options.batchSize,
      task: 'score avg',
      onProgress: options.onProgress,
    });
    return Object.fromEntries(
      [...moments].map(([layerName, layerMoments]) => [layerName, layerMoments.means()]),
    );
  }
}
