import * as tf from '@tensorflow/tfjs';
import {
  assertSliceMatchesModel,
  checkInteger,
  checkNumberInRange,
  createSlice,
  evaluateAccuracy,
  type LabeledDataset,
  NeuronModel,
  type ProgressListener,
  type Pruner,
  type Slice,
  UsageError,
} from '@neusemslice/core';
import { cloneModel, parameterCount } from './clone-model';
import { checkFineTuneOptions, type FineTuneOptions, fineTuneWithMasks } from './fine-tune';
import { keepsEveryNeuron } from './full-slice';
import {
  aliveWeightCount,
  mergePrunerMasks,
  prunableKernels,
  prunableWeightCount,
  readPrunableWeights,
  sliceAliveMasks,
  type WeightMasks,
  zeroDeadWeights,
} from './prunable-weights';

/** Builds the physically smaller model of a slice (the `restructure` maintainer does it). */
export type RestructureFunction = (model: NeuronModel, slice: Slice) => Promise<tf.LayersModel>;

export interface IterativePruneOptions {
  /** The original model; it is never changed (the work happens on a copy). */
  model: NeuronModel;
  /** The slice to prune within; `fullSlice(model)` for the pruner alone. */
  slice: Slice;
  pruner: Pruner;
  /** The pruner's own options, passed on unchanged. */
  prunerOptions?: Record<string, unknown>;
  trainData: LabeledDataset;
  testData: LabeledDataset;
  /** Share p of the remaining weights pruned per iteration, in (0, 1); default 0.1 (SPEC §4). */
  step?: number;
  /** Accuracy tolerance δ in percentage points below the original's; default 1. */
  tolerance?: number;
  /** At most this many iterations (integer ≥ 1); default 50. */
  maxIterations?: number;
  /** Fine-tuning after each pruning step; defaults in DEFAULT_FINE_TUNE. */
  fineTune?: Partial<FineTuneOptions>;
  /** Seeds the fine-tuning draws and shuffles (integer ≥ 0); default 1. */
  seed?: number;
  /** Samples per evaluation batch; default 512. */
  evaluationBatchSize?: number;
  /** The original's test accuracy when the caller already knows it (skips one evaluation). */
  originalTestAccuracy?: number;
  /**
   * When the slice drops neurons, fine-tune the cut network once (same budget as an iteration,
   * not counted in NI) before the first pruning step; default true.
   */
  recoverSlice?: boolean;
  /** Required when the slice drops neurons: makes the smaller model at the end. */
  restructure?: RestructureFunction;
  onProgress?: ProgressListener;
}

/** One pruning iteration: prune to the target, fine-tune, evaluate. */
export interface PruneIterationRecord {
  /** 1-based. */
  iteration: number;
  /** Share of the prunable weights asked to be dead after this iteration. */
  targetSparsity: number;
  /** Share of the original's prunable weights removed after it (slice included). */
  compressionRate: number;
  testAccuracy: number;
  /** Test accuracy ≥ original − δ: the iteration is kept. */
  withinTolerance: boolean;
  seconds: number;
}

export type PruneStopReason = 'tolerance' | 'max-iterations' | 'no-weights-left';

export interface IterativePruneResult {
  /** The model of the last iteration within tolerance (restructured when the slice drops neurons); the caller's to dispose. */
  model: tf.LayersModel;
  /** CR: share of the original's prunable weights (dense and conv kernels) removed, the slice's included. */
  compressionRate: number;
  /** NI: iterations kept. */
  iterations: number;
  /** MA: test accuracy of `model`. */
  testAccuracy: number;
  originalTestAccuracy: number;
  /** Test accuracy with the slice's neurons cut, before any fine-tuning or pruning. */
  slicedTestAccuracy: number;
  /** Test accuracy where pruning starts: the cut network after its recovery fine-tuning. */
  recoveredTestAccuracy: number;
  /** Share of the original's prunable weights the slice alone removes. */
  sliceCompressionRate: number;
  /** Dense and conv kernel entries of the original, and those alive in `model`. */
  prunableWeightsBefore: number;
  prunableWeightsAfter: number;
  /** All parameters of the original, and those of `model` less its pruned (zero) kernel entries. */
  parametersBefore: number;
  parametersAfter: number;
  /** True when `model` is the physically smaller model of the slice. */
  restructured: boolean;
  /** Every iteration run, the first one outside the tolerance included (it is discarded). */
  history: PruneIterationRecord[];
  stopReason: PruneStopReason;
  seconds: number;
}

/** The checked settings of a run. */
export interface PruneSettings {
  step: number;
  toleranceShare: number;
  maxIterations: number;
  fineTune: FineTuneOptions;
  seed: number;
  evaluationBatchSize: number;
  recoverSlice: boolean;
}

/** The settings `iterativePrune` takes besides model, slice, pruner and data. */
export type PruneSettingOptions = Pick<
  IterativePruneOptions,
  | 'step'
  | 'tolerance'
  | 'maxIterations'
  | 'fineTune'
  | 'seed'
  | 'evaluationBatchSize'
  | 'originalTestAccuracy'
  | 'recoverSlice'
>;

/**
 * Checks the settings of a pruning run and fills in the defaults; each error is a UsageError
 * naming the setting, its value and what is allowed. The CLI checks its flags with it too.
 */
export function checkPruneSettings(options: PruneSettingOptions): PruneSettings {
  const step = options.step ?? 0.1;
  if (typeof step !== 'number' || !(step > 0 && step < 1)) {
    throw new UsageError(`step must be a number in (0, 1), got ${String(step)}`);
  }
  const tolerance = checkNumberInRange('tolerance', options.tolerance ?? 1, 0, 100);
  if (options.originalTestAccuracy !== undefined) {
    checkNumberInRange('originalTestAccuracy', options.originalTestAccuracy, 0, 1);
  }
  return {
    step,
    toleranceShare: tolerance / 100,
    maxIterations: checkInteger('maxIterations', options.maxIterations ?? 50, 1),
    fineTune: checkFineTuneOptions(options.fineTune),
    seed: checkInteger('seed', options.seed ?? 1, 0),
    evaluationBatchSize: checkInteger('evaluationBatchSize', options.evaluationBatchSize ?? 512, 1),
    recoverSlice: checkBoolean('recoverSlice', options.recoverSlice ?? true),
  };
}

function checkBoolean(inputName: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new UsageError(`${inputName} must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The weights of a model, copied (kept out of any tidy scope). */
function snapshotWeights(model: tf.LayersModel): tf.Tensor[] {
  return model.getWeights().map((weight) => tf.keep(weight.clone()));
}

/**
 * Iterative magnitude pruning (SPEC §4): each iteration asks the pruner for a share p more of the
 * remaining weights dead (targetSparsity = 1 − (1 − current)(1 − p)), zeroes them, fine-tunes
 * with the masks held and evaluates. The run stops at the first iteration whose test accuracy
 * falls more than δ below the original's (that iteration is discarded) or after maxIterations,
 * and returns the model of the last iteration kept. A slice's dropped neurons arrive as dead
 * weights, count towards the compression rate, and are cut out physically at the end.
 */
export async function iterativePrune(
  options: IterativePruneOptions,
): Promise<IterativePruneResult> {
  const startedAt = Date.now();
  const settings = checkPruneSettings(options);
  const { slice, pruner, trainData, testData, onProgress } = options;
  assertSliceMatchesModel(slice, options.model);
  const dropsNeurons = !keepsEveryNeuron(options.model, slice);
  if (dropsNeurons && !options.restructure) {
    throw new UsageError(
      'the slice drops neurons, so a restructure step is needed: register the restructure maintainer',
    );
  }
  const evaluate = async (model: NeuronModel) =>
    (await evaluateAccuracy(model, testData, { batchSize: settings.evaluationBatchSize })).accuracy;
  const originalTestAccuracy = options.originalTestAccuracy ?? (await evaluate(options.model));
  const accuracyFloor = originalTestAccuracy - settings.toleranceShare;

  const work = await cloneModel(options.model.model);
  const workModel = new NeuronModel(work);
  const kernels = prunableKernels(workModel);
  const totalWeights = prunableWeightCount(kernels);
  let masks: WeightMasks = sliceAliveMasks(workModel, kernels, slice);
  zeroDeadWeights(kernels, masks);
  workModel.weightsChanged();
  const slicedTestAccuracy = dropsNeurons ? await evaluate(workModel) : originalTestAccuracy;
  const compressionOf = (current: WeightMasks) =>
    totalWeights > 0 ? 1 - aliveWeightCount(current) / totalWeights : 0;
  const sliceCompressionRate = compressionOf(masks);

  // The cut network gets one fine-tuning pass of its own before pruning starts, so pruning
  // begins from a recovered slice, not from a freshly cut one (not counted as an iteration).
  let startAccuracy = slicedTestAccuracy;
  if (dropsNeurons && settings.recoverSlice) {
    await fineTuneWithMasks(work, kernels, masks, trainData, {
      ...settings.fineTune,
      seed: settings.seed * 1000,
    });
    workModel.weightsChanged();
    startAccuracy = await evaluate(workModel);
  }
  let kept = { iteration: 0, accuracy: startAccuracy, weights: snapshotWeights(work) };
  const history: PruneIterationRecord[] = [];
  let stopReason: PruneStopReason = 'max-iterations';
  try {
    for (let iteration = 1; iteration <= settings.maxIterations; iteration++) {
      const iterationStartedAt = Date.now();
      const currentSparsity = compressionOf(masks);
      if (currentSparsity >= 1) {
        stopReason = 'no-weights-left';
        break;
      }
      const targetSparsity = 1 - (1 - currentSparsity) * (1 - settings.step);
      const answer = pruner.prune({
        weights: readPrunableWeights(kernels, masks),
        targetSparsity,
        options: options.prunerOptions,
      });
      const nextMasks = mergePrunerMasks(pruner.name, kernels, masks, answer);
      zeroDeadWeights(kernels, nextMasks);
      await fineTuneWithMasks(work, kernels, nextMasks, trainData, {
        ...settings.fineTune,
        seed: settings.seed * 1000 + iteration,
      });
      workModel.weightsChanged();
      const testAccuracy = await evaluate(workModel);
      const record: PruneIterationRecord = {
        iteration,
        targetSparsity,
        compressionRate: compressionOf(nextMasks),
        testAccuracy,
        withinTolerance: testAccuracy >= accuracyFloor,
        seconds: (Date.now() - iterationStartedAt) / 1000,
      };
      history.push(record);
      onProgress?.({
        task: `prune ${pruner.name}`,
        done: iteration,
        total: settings.maxIterations,
        figures: {
          compressionRate: record.compressionRate,
          testAccuracy,
          originalTestAccuracy,
        },
      });
      if (!record.withinTolerance) {
        stopReason = 'tolerance';
        break;
      }
      tf.dispose(kept.weights);
      kept = { iteration, accuracy: testAccuracy, weights: snapshotWeights(work) };
      masks = nextMasks;
    }
    work.setWeights(kept.weights);
  } catch (error) {
    work.dispose();
    throw error;
  } finally {
    tf.dispose(kept.weights);
  }
  workModel.weightsChanged();

  let model = work;
  let testAccuracy = kept.accuracy;
  if (dropsNeurons) {
    try {
      // The slice again, for the fine-tuned weights (a restructure checks slice against model).
      const tunedSlice = createSlice({
        model: workModel,
        metric: slice.metric,
        slicer: slice.slicer,
        options: slice.options,
        critical: slice.critical,
      });
      model = await (options.restructure as RestructureFunction)(workModel, tunedSlice);
    } finally {
      work.dispose();
    }
    testAccuracy = await evaluate(new NeuronModel(model));
  }
  const aliveWeights = aliveWeightCount(masks);
  const finalKernelEntries = prunableWeightCount(prunableKernels(new NeuronModel(model)));
  return {
    model,
    compressionRate: compressionOf(masks),
    iterations: kept.iteration,
    testAccuracy,
    originalTestAccuracy,
    slicedTestAccuracy,
    recoveredTestAccuracy: startAccuracy,
    sliceCompressionRate,
    prunableWeightsBefore: totalWeights,
    prunableWeightsAfter: aliveWeights,
    parametersBefore: parameterCount(options.model.model),
    parametersAfter: parameterCount(model) - (finalKernelEntries - aliveWeights),
    restructured: dropsNeurons,
    history,
    stopReason,
    seconds: (Date.now() - startedAt) / 1000,
  };
}
