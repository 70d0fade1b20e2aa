import * as tf from '@tensorflow/tfjs';
import {
  checkMetricInput,
  forEachBatch,
  type LabeledDataset,
  type Metric,
  type MetricOptions,
  type NeuronModel,
  type NeuSemSlicePlugin,
  provide,
  type ScoresPerLayer,
} from '@neusemslice/core';

/** Scores a neuron by the largest output it reaches on the data. */
export class MaxActivationMetric implements Metric {
  readonly name = 'max-activation';
  readonly description = 'largest output of each neuron over the data';

  async score(
    model: NeuronModel,
    data: LabeledDataset,
    options: MetricOptions,
  ): Promise<ScoresPerLayer> {
    checkMetricInput(this.name, model, data, options);
    const maxima = new Map(
      model.neuronLayers.map((layer) => [
        layer.name,
        new Float64Array(layer.units).fill(-Infinity),
      ]),
    );
    await forEachBatch(
      data,
      options.batchSize,
      ({ x }) => {
        const { outputs, logits } = model.neuronOutputs(x); // [batch, neurons] per layer
        for (const [layerName, layerMaxima] of maxima) {
          const batchMaxima = tf.tidy(() => tf.max(outputs[layerName], 0));
          batchMaxima
            .dataSync()
            .forEach(
              (value, neuron) => (layerMaxima[neuron] = Math.max(layerMaxima[neuron], value)),
            );
          batchMaxima.dispose();
        }
        tf.dispose([logits, ...Object.values(outputs)]);
      },
      { task: `score ${this.name}`, onProgress: options.onProgress },
    );
    return Object.fromEntries(maxima);
  }
}

/** The plugin: a name and a register function, nothing else. */
const maxActivationPlugin: NeuSemSlicePlugin = {
  name: '@example/custom-metric',
  register(container) {
    provide(container, 'metric', new MaxActivationMetric(), '@example/custom-metric');
  },
};

export default maxActivationPlugin;
