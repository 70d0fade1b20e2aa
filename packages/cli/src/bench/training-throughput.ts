import { type LabeledDataset } from '@neusemslice/core';
import { createModel, trainModel } from '@neusemslice/models';
import { secondsSince } from './elapsed';

/** The first `samples` samples of `data`. */
function firstSamples(data: LabeledDataset, samples: number): LabeledDataset {
  return data.subset(Int32Array.from({ length: samples }, (_, index) => index));
}

/**
 * A zoo model (seed 1) and one epoch of Adam (lr 0.001) over the first `samples` samples of
 * `data`, to run as often as needed: the training the speed rows measure and profile.
 */
export function trainingRun(
  modelName: string,
  data: LabeledDataset,
  samples: number,
  batchSize: number,
) {
  const model = createModel(modelName, {
    inputShape: [...data.inputShape],
    numClasses: data.numClasses,
    seed: 1,
  });
  const options = { epochs: 1, batchSize, learningRate: 0.001, seed: 1 };
  const trainOn = async (subset: LabeledDataset) => {
    await trainModel(model, subset, options);
  };
  const measured = firstSamples(data, samples);
  return {
    /** One epoch over the first `samples` samples. */
    run: () => trainOn(measured),
    /** One epoch over the first `warmUpSamples` samples (kernel compilation, first allocations). */
    warmUp: (warmUpSamples: number) => trainOn(firstSamples(data, warmUpSamples)),
    dispose: () => model.dispose(),
  };
}

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
  const training = trainingRun(modelName, data, samples, batchSize);
  try {
    await training.warmUp(batchSize);
    const startedAt = process.hrtime.bigint();
    await training.run();
    return samples / secondsSince(startedAt);
  } finally {
    training.dispose();
  }
}
