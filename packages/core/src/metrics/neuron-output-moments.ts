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
