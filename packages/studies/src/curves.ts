import {
  countKeptParameters,
  type LabeledDataset,
  masksFromNeuronSets,
  type NeuronModel,
  type Slice,
  type SliceRequest,
  type Slicer,
  UsageError,
  type WeightOwnership,
} from '@neusemslice/core';
import { maskedAccuracy, type NeuronMeans } from './rq1/masked-evaluation';

/** One dot of Figure 5: a slice's compression rate and masked test accuracy. */
export interface CurvePoint {
  /** The metric that ranked the neurons ('-' for metric-independent slicers such as DeepArc). */
  metric: string;
  slicer: string;
  /** The swept option, e.g. `keepRatio` or `theta`. */
  parameterName: string;
  parameter: number;
  /** Share of parameters removed with the non-critical neurons, 0 … 1. */
  compressionRate: number;
  /** Test accuracy with only the critical neurons kept, 0 … 1. */
  accuracy: number;
  criticalNeurons: number;
  totalNeurons: number;
  /** Random slices of the same per-layer sizes: mean accuracy over the draws (absent: not run). */
  randomMean?: number;
  /** …and its sample standard deviation. */
  randomStd?: number;
}

export type SliceMeasurement = Pick<
  CurvePoint,
  'compressionRate' | 'accuracy' | 'criticalNeurons' | 'totalNeurons'
>;

/**
 * Compression rate and masked accuracy of a slice (paper §5.2, RQ1); with `means`, dropped
 * neurons output their mean instead of 0 (mean replacement).
 */
export async function measureSlice(
  model: NeuronModel,
  ownership: readonly WeightOwnership[],
  slice: Slice,
  testData: LabeledDataset,
  batchSize: number,
  means?: NeuronMeans,
): Promise<SliceMeasurement> {
  const masks = masksFromNeuronSets(model, slice.critical);
  const { compressionRate } = countKeptParameters(ownership, masks);
  const accuracy = await maskedAccuracy(model, testData, { masks, means, batchSize });
  const criticalNeurons = model.neuronLayers.reduce(
    (sum, layer) => sum + (slice.critical[layer.name]?.length ?? 0),
    0,
  );
  return { compressionRate, accuracy, criticalNeurons, totalNeurons: model.neuronCount };
}

/** Share of the model's parameters a slice removes (no evaluation: counts only). */
export function sliceCompressionRate(
  model: NeuronModel,
  ownership: readonly WeightOwnership[],
  slice: Slice,
): number {
  return countKeptParameters(ownership, masksFromNeuronSets(model, slice.critical)).compressionRate;
}

/**
 * The keep ratios below a baseline's grid that it needs to reach `targetCompression`: candidates
 * in descending k, taken one by one while the compression reached so far (`reached`, the grid's
 * highest) stays below the target. Stops at the first that reaches it; none when the grid does.
 */
export function keepRatiosToReach(
  candidates: readonly { keepRatio: number; compressionRate: number }[],
  reached: number,
  targetCompression: number,
): number[] {
  const chosen: number[] = [];
  let highest = reached;
  for (const candidate of [...candidates].sort((a, b) => b.keepRatio - a.keepRatio)) {
    if (highest >= targetCompression) break;
    chosen.push(candidate.keepRatio);
    highest = Math.max(highest, candidate.compressionRate);
  }
  return chosen;
}

/**
 * One slice per value of a slicer option: through the slicer's `sweep` when it has one (it
 * shares metric scores and Gram matrices between values), else one `slice` call per value.
 * `request.options` holds the options that stay fixed.
 */
export async function slicesForValues(
  slicer: Slicer,
  request: SliceRequest,
  optionName: string,
  values: readonly number[],
): Promise<Slice[]> {
  if (slicer.sweep) {
    const slices = await slicer.sweep(request, values);
    if (slices.length !== values.length) {
      throw new Error(
        `slicer '${slicer.name}' swept ${values.length} values of ${optionName} but returned ${slices.length} slices`,
      );
    }
    return slices;
  }
  const slices: Slice[] = [];
  for (const value of values)
    slices.push(
      await slicer.slice({ ...request, options: { ...request.options, [optionName]: value } }),
    );
  return slices;
}

/** Throws a UsageError unless every value is a finite number in (0, 1]. */
export function checkShares(inputName: string, values: readonly number[]): void {
  if (values.length === 0) throw new UsageError(`${inputName} must not be empty`);
  for (const value of values) {
    if (!Number.isFinite(value) || value <= 0 || value > 1) {
      throw new UsageError(`${inputName} must hold numbers in (0, 1], got ${String(value)}`);
    }
  }
}
