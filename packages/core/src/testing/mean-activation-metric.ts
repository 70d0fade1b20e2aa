import * as tf from '@tensorflow/tfjs';
import type { Metric, MetricOptions, ScoresPerLayer } from '../contracts/metric';
import type { LabeledDataset } from '../data/labeled-dataset';
import { forEachBatch } from '../data/stream';
import type { NeuronModel } from '../model/neuron-model';

/** A test-only metric: each neuron's mean output over the data (conv channels spatially averaged). */
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
    await forEachBatch(data, options.batchSize, ({ x }) => {
      const { outputs, logits } = model.neuronOutputs(x);
      for (const layer of model.neuronLayers) {
        const columnSums = tf.tidy(() => tf.sum(outputs[layer.name], 0));
        columnSums.dataSync().forEach((value, unit) => (sums[layer.name][unit] += value));
        columnSums.dispose();
      }
      tf.dispose([logits, ...Object.values(outputs)]);
    });
    for (const layerSums of Object.values(sums))
      layerSums.forEach((sum, unit) => (layerSums[unit] = sum / data.size));
    return sums;
  }
}
