import * as tf from '@tensorflow/tfjs';
import type { LabeledDataset, NeuronMasks, NeuronModel } from '@neusemslice/core';

/** Accuracy on one task's samples, read two ways. */
export interface TaskAccuracy {
  /** Class-incremental: argmax over the single head with a unit per class of both tasks. */
  singleHead: number;
  /** Task-incremental: argmax over the task's own classes only (the task is told). */
  taskIncremental: number;
  samples: number;
}

/**
 * Evaluates a task's test samples through the model (with `masks` silencing neurons, e.g. the
 * non-critical ones for task A), over the single head and over the head restricted to `classes`.
 */
export async function taskAccuracy(
  model: NeuronModel,
  data: LabeledDataset,
  classes: readonly number[],
  options: { masks?: NeuronMasks; batchSize?: number } = {},
): Promise<TaskAccuracy> {
  const classIndex = tf.tensor1d(Int32Array.from(classes), 'int32');
  let singleHead = 0;
  let taskIncremental = 0;
  let samples = 0;
  try {
    for (const batch of data.batches(options.batchSize ?? 512)) {
      let predictions: [Int32Array, Int32Array];
      try {
        const [overAll, overTask] = tf.tidy(() => {
          const logits = model.run(batch.x, { masks: options.masks });
          return [tf.argMax(logits, 1), tf.argMax(tf.gather(logits, classIndex, 1), 1)];
        });
        predictions = [overAll.dataSync() as Int32Array, overTask.dataSync() as Int32Array];
        tf.dispose([overAll, overTask]);
      } finally {
        batch.x.dispose();
      }
      batch.labels.forEach((label, index) => {
        if (predictions[0][index] === label) singleHead++;
        if (classes[predictions[1][index]] === label) taskIncremental++;
      });
      samples += batch.labels.length;
    }
  } finally {
    classIndex.dispose();
  }
  return {
    singleHead: samples > 0 ? singleHead / samples : NaN,
    taskIncremental: samples > 0 ? taskIncremental / samples : NaN,
    samples,
  };
}
