import * as tf from '@tensorflow/tfjs';
import type { Attack, AttackOptions } from '../contracts/attack';
import type { LabeledDataset } from '../data/labeled-dataset';
import { checkInteger } from '../errors';
import type { NeuronModel } from '../model/neuron-model';
import type { ProgressListener } from '../progress';

/** Adversarial versions of a data set, kept in memory batch by batch. */
export interface AdversarialSet {
  /** Perturbed inputs, one tensor per batch; dispose with `disposeAdversarialSet`. */
  batches: tf.Tensor[];
  /** Labels of each batch. */
  labels: Int32Array[];
  size: number;
}

/**
 * Attacks every sample of `data` (in order, `batchSize` at a time). Batch b uses seed
 * `options.seed + b`, so random starts differ between batches and the set can be made again.
 */
export function makeAdversarialSet(
  model: NeuronModel,
  data: LabeledDataset,
  attack: Attack,
  options: AttackOptions,
  settings: { batchSize?: number; onProgress?: ProgressListener } = {},
): AdversarialSet {
  const batchSize = checkInteger('batchSize', settings.batchSize ?? 128, 1);
  const set: AdversarialSet = { batches: [], labels: [], size: 0 };
  let batchIndex = 0;
  try {
    for (const batch of data.batches(batchSize)) {
      try {
        set.batches.push(
          attack.perturb(model, batch.x, batch.labels, {
            ...options,
            seed: (options.seed ?? 0) + batchIndex,
          }),
        );
      } finally {
        batch.x.dispose();
      }
      set.labels.push(batch.labels);
      set.size += batch.labels.length;
      batchIndex++;
      settings.onProgress?.({ task: `attack ${attack.name}`, done: set.size, total: data.size });
    }
  } catch (error) {
    disposeAdversarialSet(set);
    throw error;
  }
  return set;
}

export function disposeAdversarialSet(set: AdversarialSet): void {
  tf.dispose(set.batches);
  set.batches = [];
}

/** Share of the set's samples the model classifies correctly (optional neuron masks). */
export function accuracyOnSet(
  model: NeuronModel,
  set: AdversarialSet,
  masks?: AttackOptions['masks'],
): number {
  let correct = 0;
  set.batches.forEach((x, index) => {
    const predicted = tf.tidy(() => tf.argMax(model.run(x, { masks }), 1));
    const values = predicted.dataSync();
    predicted.dispose();
    set.labels[index].forEach((label, row) => {
      if (values[row] === label) correct++;
    });
  });
  return set.size > 0 ? correct / set.size : NaN;
}

export interface RobustAccuracyReport {
  /** Accuracy on the attacked samples (accuracy under attack). */
  robustAccuracy: number;
  /** Accuracy on the same samples unperturbed. */
  cleanAccuracy: number;
  samples: number;
}

/**
 * Accuracy of any model under an attack, streamed batch by batch (each batch is attacked, scored
 * and disposed), with its clean accuracy on the same samples.
 */
export async function robustAccuracy(
  model: NeuronModel,
  data: LabeledDataset,
  attack: Attack,
  options: AttackOptions,
  settings: { batchSize?: number; onProgress?: ProgressListener } = {},
): Promise<RobustAccuracyReport> {
  const batchSize = checkInteger('batchSize', settings.batchSize ?? 128, 1);
  let robustCorrect = 0;
  let cleanCorrect = 0;
  let samples = 0;
  let batchIndex = 0;
  for (const batch of data.batches(batchSize)) {
    try {
      const adversarial = attack.perturb(model, batch.x, batch.labels, {
        ...options,
        seed: (options.seed ?? 0) + batchIndex,
      });
      const [robustPredicted, cleanPredicted] = tf.tidy(() => [
        tf.argMax(model.run(adversarial, { masks: options.masks }), 1),
        tf.argMax(model.run(batch.x, { masks: options.masks }), 1),
      ]);
      adversarial.dispose();
      const [robustValues, cleanValues] = await Promise.all([
        robustPredicted.data(),
        cleanPredicted.data(),
      ]);
      tf.dispose([robustPredicted, cleanPredicted]);
      batch.labels.forEach((label, row) => {
        if (robustValues[row] === label) robustCorrect++;
        if (cleanValues[row] === label) cleanCorrect++;
      });
    } finally {
      batch.x.dispose();
    }
    samples += batch.labels.length;
    batchIndex++;
    settings.onProgress?.({
      task: `attack ${attack.name}`,
      done: samples,
      total: data.size,
      figures: { robustAccuracy: robustCorrect / samples, cleanAccuracy: cleanCorrect / samples },
    });
  }
  return {
    robustAccuracy: samples > 0 ? robustCorrect / samples : NaN,
    cleanAccuracy: samples > 0 ? cleanCorrect / samples : NaN,
    samples,
  };
}
