import * as tf from '@tensorflow/tfjs';
import {
  checkInteger,
  crossEntropyFromLogits,
  forEachBatch,
  type LabeledDataset,
  type ProgressListener,
} from '@neusemslice/core';
import { checkBatchLabels, checkDataFitsModel } from './check-data';

export interface EvaluateOptions {
  /** Samples per forward pass; default 256. */
  batchSize?: number;
  onProgress?: ProgressListener;
}

export interface EvaluationReport {
  /** Share of samples classified correctly, 0 … 1 (NaN on an empty data set). */
  accuracy: number;
  /** Mean softmax cross-entropy of the logits against the labels. */
  loss: number;
  /** Accuracy per class, indexed by label (NaN for a class without samples). */
  perClassAccuracy: number[];
  /** confusion[actual][predicted]: sample counts. */
  confusion: number[][];
  samples: number;
}

/**
 * Accuracy, loss, per-class accuracy and the confusion matrix of a classifier, streamed over the
 * data set in batches (layers in inference mode: batch-norm uses its moving statistics).
 */
export async function evaluateModel(
  model: tf.LayersModel,
  data: LabeledDataset,
  options: EvaluateOptions = {},
): Promise<EvaluationReport> {
  const batchSize = checkInteger('batchSize', options.batchSize ?? 256, 1);
  checkDataFitsModel(model, data, 'evaluation');
  const numClasses = data.numClasses;
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let lossSum = 0;
  await forEachBatch(
    data,
    batchSize,
    async (batch) => {
      checkBatchLabels(batch.labels, numClasses, data.name);
      const [predicted, batchLoss] = tf.tidy(() => {
        const logits = model.apply(batch.x, { training: false }) as tf.Tensor;
        const oneHot = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), numClasses).toFloat();
        return [tf.argMax(logits, 1), crossEntropyFromLogits(logits, oneHot)];
      });
      const [predictedLabels, meanLoss] = await Promise.all([predicted.data(), batchLoss.data()]);
      tf.dispose([predicted, batchLoss]);
      lossSum += meanLoss[0] * batch.labels.length;
      batch.labels.forEach((label, row) => confusion[label][predictedLabels[row]]++);
    },
    { task: 'evaluate', onProgress: options.onProgress },
  );
  const seenPerClass = confusion.map((row) => row.reduce((sum, count) => sum + count, 0));
  const correctPerClass = confusion.map((row, label) => row[label]);
  const samples = seenPerClass.reduce((sum, count) => sum + count, 0);
  const correct = correctPerClass.reduce((sum, count) => sum + count, 0);
  return {
    accuracy: samples > 0 ? correct / samples : NaN,
    loss: samples > 0 ? lossSum / samples : NaN,
    perClassAccuracy: correctPerClass.map((count, label) =>
      seenPerClass[label] > 0 ? count / seenPerClass[label] : NaN,
    ),
    confusion,
    samples,
  };
}
