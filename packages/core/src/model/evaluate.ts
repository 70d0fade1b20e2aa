import * as tf from '@tensorflow/tfjs';
import type { LabeledDataset } from '../data/labeled-dataset';
import { forEachBatch } from '../data/stream';
import type { ProgressListener } from '../progress';
import type { NeuronMasks, NeuronModel } from './neuron-model';

export interface AccuracyReport {
  /** Share of samples classified correctly, 0 … 1. */
  accuracy: number;
  /** Accuracy per class (NaN for classes without samples). */
  perClassAccuracy: number[];
  samples: number;
}

/** Accuracy of a model, optionally with neurons masked, streamed over a data set. */
export async function evaluateAccuracy(
  model: NeuronModel,
  data: LabeledDataset,
  options: { masks?: NeuronMasks; batchSize?: number; onProgress?: ProgressListener } = {},
): Promise<AccuracyReport> {
  const correct = new Array<number>(model.numClasses).fill(0);
  const seen = new Array<number>(model.numClasses).fill(0);
  await forEachBatch(
    data,
    options.batchSize ?? 256,
    (batch) => {
      const predicted = tf.tidy(() => tf.argMax(model.run(batch.x, { masks: options.masks }), 1));
      const predictedValues = predicted.dataSync();
      predicted.dispose();
      batch.labels.forEach((label, index) => {
        seen[label]++;
        if (predictedValues[index] === label) correct[label]++;
      });
    },
    { task: 'evaluate', onProgress: options.onProgress },
  );
  const samples = seen.reduce((sum, count) => sum + count, 0);
  const totalCorrect = correct.reduce((sum, count) => sum + count, 0);
  return {
    accuracy: samples > 0 ? totalCorrect / samples : NaN,
    perClassAccuracy: correct.map((count, label) => (seen[label] > 0 ? count / seen[label] : NaN)),
    samples,
  };
}
