import * as tf from '@tensorflow/tfjs';
import {
  checkInteger,
  checkNumberInRange,
  type LabeledDataset,
  type ProgressListener,
  UsageError,
} from '@neusemslice/core';
import { epochOrder, OPTIMIZER_NAMES, type OptimizerName, trainModel } from '@neusemslice/models';
import type { PrunableKernel, WeightMasks } from './prunable-weights';

/** How each pruning iteration fine-tunes (SPEC §4: prune, then fine-tune with the masks held). */
export interface FineTuneOptions {
  /** Passes over the iteration's samples; default 1. */
  epochs: number;
  /** Training samples per iteration, drawn afresh (seeded) each iteration; default 5000. */
  samples: number;
  /** Default 0.001. */
  learningRate: number;
  /** Default 'adam'. */
  optimizer: OptimizerName;
  /** Default 128. */
  batchSize: number;
}

export const DEFAULT_FINE_TUNE: Readonly<FineTuneOptions> = {
  epochs: 1,
  samples: 5000,
  learningRate: 0.001,
  optimizer: 'adam',
  batchSize: 128,
};

const FINE_TUNE_KEYS = Object.keys(DEFAULT_FINE_TUNE);

/** Checks fine-tuning options (unknown names are errors) and fills in the defaults. */
export function checkFineTuneOptions(value: unknown, where = 'fineTune'): FineTuneOptions {
  if (value === undefined) return { ...DEFAULT_FINE_TUNE };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${where} must be an object, got ${JSON.stringify(value)}`);
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!FINE_TUNE_KEYS.includes(key)) {
      throw new UsageError(
        `${where}: unknown option '${key}' (expected ${FINE_TUNE_KEYS.join(', ')})`,
      );
    }
  }
  const optimizer = given.optimizer ?? DEFAULT_FINE_TUNE.optimizer;
  if (!(OPTIMIZER_NAMES as readonly unknown[]).includes(optimizer)) {
    throw new UsageError(
      `${where}.optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got ${JSON.stringify(optimizer)}`,
    );
  }
  return {
    epochs: checkInteger(`${where}.epochs`, given.epochs ?? DEFAULT_FINE_TUNE.epochs, 1),
    samples: checkInteger(`${where}.samples`, given.samples ?? DEFAULT_FINE_TUNE.samples, 1),
    learningRate: checkNumberInRange(
      `${where}.learningRate`,
      given.learningRate ?? DEFAULT_FINE_TUNE.learningRate,
      1e-12,
      10,
    ),
    optimizer: optimizer as OptimizerName,
    batchSize: checkInteger(
      `${where}.batchSize`,
      given.batchSize ?? DEFAULT_FINE_TUNE.batchSize,
      1,
    ),
  };
}

/** A seeded draw of `count` samples of the data (all of it when it has no more). */
export function drawSamples(data: LabeledDataset, count: number, seed: number): LabeledDataset {
  if (count >= data.size) return data;
  const order = epochOrder(data.size, seed, 0).subarray(0, count);
  return data.subset(Int32Array.from(order).sort(), `${data.name}[${count} drawn]`);
}

/**
 * Fine-tunes a pruned model with its pruned kernel entries held at exactly zero: their gradients
 * are multiplied by the alive masks, so no optimizer step (Adam's moments and SGD alike, each
 * starting from zero state) ever moves them. Expects the dead entries to be zero already.
 */
export async function fineTuneWithMasks(
  model: tf.LayersModel,
  kernels: readonly PrunableKernel[],
  masks: WeightMasks,
  trainData: LabeledDataset,
  options: FineTuneOptions & { seed: number; onProgress?: ProgressListener },
): Promise<void> {
  const maskTensors = new Map<string, tf.Tensor>(
    kernels.map((kernel) => [
      kernel.name,
      tf.tensor(masks[kernel.name], kernel.shape as number[], 'float32'),
    ]),
  );
  try {
    await trainModel(model, drawSamples(trainData, options.samples, options.seed), {
      epochs: options.epochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      optimizer: options.optimizer,
      seed: options.seed,
      onProgress: options.onProgress,
      gradientMask: (weightName) => maskTensors.get(weightName),
    });
  } finally {
    tf.dispose([...maskTensors.values()]);
  }
}
