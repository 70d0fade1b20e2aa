import {
  evaluateAccuracy,
  type LabeledDataset,
  neuronMeanOutputs,
  type NeuronMasks,
  type NeuronModel,
  type NeuronValues,
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
export type NeuronMeans = NeuronValues;

/** Throws a UsageError unless `value` is a known fill. */
export function checkMaskFill(value: unknown, inputName = 'fill'): MaskFill {
  if (!MASK_FILLS.includes(value as MaskFill)) {
    throw new UsageError(
      `${inputName} must be ${MASK_FILLS.map((fill) => `'${fill}'`).join(' or ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as MaskFill;
}

/** Each neuron's mean output over `data`, in one streaming pass (core's `neuronMeanOutputs`). */
export function neuronMeans(
  model: NeuronModel,
  data: LabeledDataset,
  batchSize: number,
): Promise<NeuronMeans> {
  return neuronMeanOutputs(model, data, { batchSize });
}

/**
 * Test accuracy with the masks applied; with `means`, a masked neuron outputs its mean instead
 * of 0 (core's `evaluateAccuracy` with `maskFill`).
 */
export async function maskedAccuracy(
  model: NeuronModel,
  testData: LabeledDataset,
  options: { masks: NeuronMasks; means?: NeuronMeans; batchSize: number },
): Promise<number> {
  const { masks, means, batchSize } = options;
  return (await evaluateAccuracy(model, testData, { masks, maskFill: means, batchSize })).accuracy;
}
