import * as tf from '@tensorflow/tfjs';
import {
  evaluateAccuracy,
  forEachBatch,
  type LabeledDataset,
  type NeuronMasks,
  type NeuronModel,
  neuronOutputMoments,
  UsageError,
} from '@neusemslice/core';

/**
 * What a dropped neuron outputs: 0 (masking, SPEC §4 (a)) or its mean activation over the slicing
 * data (mean replacement, standard in pruning work; in a restructured model it is folded into the
 * next layer's bias).
 */
export type MaskFill = 'zero' | 'mean';

export const MASK_FILLS: readonly MaskFill[] = ['zero', 'mean'];

/** The masking study's default fill, chosen by the RQ1 option study (docs/results/rq1-options.md). */
export const DEFAULT_MASK_FILL: MaskFill = 'mean';

/** Per neuron layer, each neuron's mean post-activation output (conv: over samples and positions). */
export type NeuronMeans = Record<string, Float32Array>;

/** Throws a UsageError unless `value` is a known fill. */
export function checkMaskFill(value: unknown, inputName = 'fill'): MaskFill {
  if (!MASK_FILLS.includes(value as MaskFill)) {
    throw new UsageError(
      `${inputName} must be ${MASK_FILLS.map((fill) => `'${fill}'`).join(' or ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as MaskFill;
}

/** Each neuron's mean output over `data`, in one streaming pass. */
export async function neuronMeans(
  model: NeuronModel,
  data: LabeledDataset,
  batchSize: number,
): Promise<NeuronMeans> {
  const moments = await neuronOutputMoments(model, data, { batchSize, task: 'neuron means' });
  const means: NeuronMeans = {};
  for (const [layerName, layerMoments] of moments)
    means[layerName] = Float32Array.from(layerMoments.means());
  return means;
}

/**
 * Test accuracy with the masks applied; with `means`, a masked neuron outputs its mean instead
 * of 0: output = mask · f + (1 − mask) · mean, for dense and channels-last conv alike.
 */
export async function maskedAccuracy(
  model: NeuronModel,
  testData: LabeledDataset,
  options: { masks: NeuronMasks; means?: NeuronMeans; batchSize: number },
): Promise<number> {
  const { masks, means, batchSize } = options;
  if (!means) return (await evaluateAccuracy(model, testData, { masks, batchSize })).accuracy;
  const fills = new Map<string, tf.Tensor1D>();
  for (const [layerName, mask] of Object.entries(masks)) {
    const layerMeans = means[layerName];
    if (!layerMeans || layerMeans.length !== mask.length) {
      throw new UsageError(
        `means of layer '${layerName}' have ${layerMeans?.length ?? 'no'} entries; the mask has ${mask.length}`,
      );
    }
    fills.set(
      layerName,
      tf.tensor1d(Float32Array.from(layerMeans, (mean, index) => (1 - mask[index]) * mean)),
    );
  }
  let correct = 0;
  let seen = 0;
  try {
    await forEachBatch(testData, batchSize, (batch) => {
      const predicted = tf.tidy(() =>
        tf.argMax(
          model.run(batch.x, {
            masks,
            onNeuronOutput: (layer, output) => {
              const fill = fills.get(layer.name);
              return fill ? tf.add(output, fill) : output;
            },
          }),
          1,
        ),
      );
      const predictedValues = predicted.dataSync();
      predicted.dispose();
      batch.labels.forEach((label, index) => {
        seen++;
        if (predictedValues[index] === label) correct++;
      });
    });
  } finally {
    tf.dispose([...fills.values()]);
  }
  return seen > 0 ? correct / seen : NaN;
}
