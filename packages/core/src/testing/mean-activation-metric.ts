import * as tf from '@tensorflow/tfjs';
import type { Metric, MetricOptions, ScoresPerLayer } from '../contracts/metric';
import type { LabeledDataset } from '../data/labeled-dataset';
import { forEachBatch } from '../data/stream';
import type { NeuronModel } from '../model/neuron-model';

/**
 * A test-only metric: each neuron's mean output over the data (conv channels spatially averaged).
 * It hands each batch's raw outputs to `options.onNeuronOutputs`, as a metric with a plain
 * forward pass may.
 */
export class MeanActivationMetric implements Metric {
  readonly name = 'mean-activation';
  readonly description = 'test metric: mean neuron output';

  async score(
    model: NeuronModel,
    data: LabeledDataset,
    options: MetricOptions,
  ): Promise<ScoresPerLayer> {
    const sums: ScoresPerLayer = {};
    for (const layer of model.neuronLayers) sums[layer.name] = new Float64Array(layer.units);
    await forEachBatch(data, options.batchSize, ({ x, labels }) => {
      tf.tidy(() => {
        const rawOutputs: Record<string, tf.Tensor> = {};
        model.run(x, {
          onNeuronOutput: (layer, output) => {
            rawOutputs[layer.name] = output;
            return output;
          },
        });
        for (const layer of model.neuronLayers) {
          const output = rawOutputs[layer.name];
          const columnSums = tf.sum(output.rank === 4 ? tf.mean(output, [1, 2]) : output, 0);
          columnSums.dataSync().forEach((value, unit) => (sums[layer.name][unit] += value));
        }
        options.onNeuronOutputs?.(rawOutputs, { size: labels.length });
      });
    });
    for (const layerSums of Object.values(sums))
      layerSums.forEach((sum, unit) => (layerSums[unit] = sum / data.size));
    return sums;
  }
}
