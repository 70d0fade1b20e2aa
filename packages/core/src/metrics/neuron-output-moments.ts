import * as tf from '@tensorflow/tfjs';
import type { LabeledDataset } from '../data/labeled-dataset';
import { forEachBatch } from '../data/stream';
import type { NeuronModel } from '../model/neuron-model';
import type { ProgressListener } from '../progress';
import { RunningMoments } from '../stats/moments';

/**
 * Mean and population variance of every neuron's output f_n(x) over a data set, in one streaming
 * pass (conv channels spatially averaged). Shared by the avg, var and ens metrics.
 */
export async function neuronOutputMoments(
  model: NeuronModel,
  data: LabeledDataset,
  options: { batchSize: number; task: string; onProgress?: ProgressListener },
): Promise<Map<string, RunningMoments>> {
  const moments = new Map(
    model.neuronLayers.map((layer) => [layer.name, new RunningMoments(layer.units)]),
  );
  await forEachBatch(
    data,
    options.batchSize,
    ({ x }) => {
      const { outputs, logits } = model.neuronOutputs(x);
      try {
        for (const [layerName, layerMoments] of moments) layerMoments.add(outputs[layerName]);
      } finally {
        tf.dispose([logits, ...Object.values(outputs)]);
      }
    },
    { task: options.task, onProgress: options.onProgress },
  );
  return moments;
}

/** Per neuron layer, one value per neuron: e.g. each neuron's mean output (`neuronMeanOutputs`). */
export type NeuronValues = Record<string, Float32Array>;

/**
 * Each neuron's mean post-activation output over `data` (conv: over samples and positions), in
 * one streaming pass: what mean replacement makes a dropped neuron output.
 */
export async function neuronMeanOutputs(
  model: NeuronModel,
  data: LabeledDataset,
  options: { batchSize: number; onProgress?: ProgressListener },
): Promise<NeuronValues> {
  const moments = await neuronOutputMoments(model, data, {
    batchSize: options.batchSize,
    task: 'neuron means',
    onProgress: options.onProgress,
  });
  const means: NeuronValues = {};
  for (const [layerName, layerMoments] of moments)
    means[layerName] = Float32Array.from(layerMoments.means());
  return means;
}
