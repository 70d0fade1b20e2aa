import {
  evaluateAccuracy,
  isUsageError,
  masksFromNeuronSets,
  meanStd,
  randomNeuronSets,
  seededRandom,
  sliceSize,
  type LabeledDataset,
  type Metric,
  type NeuronModel,
  type ProgressListener,
  type Slice,
  type Slicer,
} from '@neusemslice/core';

/** One point of the sweep: the slicer's slice at a value, and random slices of the same sizes. */
export interface SweepPointRow {
  /** The value of the swept option (Θ for the semantic slicer). */
  value: number;
  critical: number;
  total: number;
  /** critical / total, 0 … 1. */
  criticalShare: number;
  /** Test accuracy with the slice's neurons kept and the rest masked. */
  sliceAccuracy: number;
  /** Mean and std of the test accuracy of random slices with the same per-layer sizes. */
  randomMean: number;
  randomStd: number;
}

/** Record-only entries a slicer writes into `slice.options`; they are not slicer inputs. */
const RECORDED_ONLY_OPTIONS = ['prefixes', 'slicingData'];

/** The default values swept for a slicer's sweep option, when the caller names none. */
export const DEFAULT_SWEEP_VALUES: Record<string, readonly number[]> = {
  theta: [0.8, 0.85, 0.9, 0.95, 0.97, 0.99],
  keepRatio: [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
};

/** The slicer options that made `slice`, without its diagnostics and the swept option. */
export function sweepBaseOptions(slice: Slice, sweepOption: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(slice.options).filter(
      ([name]) => name !== sweepOption && !RECORDED_ONLY_OPTIONS.includes(name),
    ),
  );
}

/** Masked test accuracy of random slices of the given per-layer sizes, seeded per draw. */
export async function randomSliceAccuracies(
  model: NeuronModel,
  testData: LabeledDataset,
  sizePerLayer: Record<string, number>,
  options: { draws: number; seed: number; batchSize: number },
): Promise<number[]> {
  const accuracies: number[] = [];
  for (let draw = 0; draw < options.draws; draw++) {
    const random = seededRandom(options.seed * 1000 + draw);
    const sets = randomNeuronSets(model.neuronLayers, sizePerLayer, random);
    const report = await evaluateAccuracy(model, testData, {
      masks: masksFromNeuronSets(model, sets),
      batchSize: options.batchSize,
    });
    accuracies.push(report.accuracy);
  }
  return accuracies;
}

export interface SweepRequest {
  model: NeuronModel;
  slicer: Slicer;
  metric: Metric;
  baseOptions: Record<string, unknown>;
  values: readonly number[];
  sweepData: LabeledDataset;
  testData: LabeledDataset;
  randomDraws: number;
  seed: number;
  batchSize: number;
  onProgress?: ProgressListener;
}

/**
 * Slices at every value (one shared scan through the slicer's `sweep`), then evaluates each slice
 * and `randomDraws` random slices of the same per-layer sizes on the test data.
 */
export async function sweepAccuracy(
  request: SweepRequest,
): Promise<{ rows: SweepPointRow[] } | { note: string }> {
  const { model, slicer, testData } = request;
  if (!slicer.sweep || !slicer.sweepOption) {
    return { note: `the '${slicer.name}' slicer has no sweep; this section is empty` };
  }
  let slices: Slice[];
  try {
    slices = await slicer.sweep(
      {
        model,
        data: request.sweepData,
        metric: request.metric,
        options: request.baseOptions,
        batchSize: request.batchSize,
        onProgress: request.onProgress,
      },
      request.values,
    );
  } catch (error) {
    // A slice whose options the slicer no longer accepts still gets the rest of its report.
    if (isUsageError(error)) return { note: `sweep skipped: ${error.message}` };
    throw error;
  }
  const rows: SweepPointRow[] = [];
  for (const [index, slice] of slices.entries()) {
    const size = sliceSize(slice);
    const masked = await evaluateAccuracy(model, testData, {
      masks: masksFromNeuronSets(model, slice.critical),
      batchSize: request.batchSize,
    });
    const random = meanStd(
      await randomSliceAccuracies(model, testData, size.perLayer, {
        draws: request.randomDraws,
        seed: request.seed + index,
        batchSize: request.batchSize,
      }),
    );
    rows.push({
      value: request.values[index],
      critical: size.critical,
      total: size.total,
      criticalShare: size.total > 0 ? size.critical / size.total : 0,
      sliceAccuracy: masked.accuracy,
      randomMean: random.mean,
      randomStd: random.std,
    });
    request.onProgress?.({ task: 'report: sweep accuracy', done: index + 1, total: slices.length });
  }
  return { rows };
}
