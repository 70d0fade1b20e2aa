import { type LabeledDataset } from '@neusemslice/core';
import { createModel, trainModel } from '@neusemslice/models';
import { secondsSince } from './elapsed';

/**
 * Training samples per second of a zoo model with the active backend: one warm-up batch (kernel
 * compilation, first allocations), then one epoch over `samples` samples, timed end to end as a
 * user experiences it (batching included).
 */
export async function measureTrainingThroughput(
  modelName: string,
  data: LabeledDataset,
  samples: number,
  batchSize = 128,
): Promise<number> {
  const model = createModel(modelName, {
    inputShape: [...data.inputShape],
    numClasses: data.numClasses,
    seed: 1,
  });
  const warmUp = data.subset(Int32Array.from({ length: batchSize }, (_, index) => index));
  await trainModel(model, warmUp, { epochs: 1, batchSize, learningRate: 0.001, seed: 1 });
  const measured = data.subset(Int32Array.from({ length: samples }, (_, index) => index));
  const startedAt = process.hrtime.bigint();
  await trainModel(model, measured, { epochs: 1, batchSize, learningRate: 0.001, seed: 1 });
  const seconds = secondsSince(startedAt);
  model.dispose();
  return samples / seconds;
}
