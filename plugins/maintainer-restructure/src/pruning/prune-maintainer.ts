import {
  type MaintenanceReport,
  type MaintenanceRequest,
  type Maintainer,
  isUsageError,
  UsageError,
} from '@neusemslice/core';
import {
  checkPruneSettings,
  type IterativePruneOptions,
  iterativePrune,
  type PruneSettingOptions,
} from './iterative-prune';

/** Options of the `prune` maintainer (every one but `pruner` optional). */
export interface PruneMaintainerOptions {
  /** Name of a registered pruner: lamp | global | uniform-plus | erk | any registered. */
  pruner: string;
  /** The pruner's own options, passed on unchanged. */
  prunerOptions?: Record<string, unknown>;
  /** Share p of the remaining weights pruned per iteration, in (0, 1); default 0.1. */
  step?: number;
  /** Accuracy tolerance δ in percentage points; default 1. */
  tolerance?: number;
  /** Default 50. */
  maxIterations?: number;
  /** { epochs, samples, learningRate, optimizer, batchSize } of each iteration's fine-tuning. */
  fineTune?: Record<string, unknown>;
  /** Default 1. */
  seed?: number;
  /** The original's test accuracy when known (skips one evaluation). */
  originalTestAccuracy?: number;
  /** Fine-tune the cut network once before pruning when the slice drops neurons; default true. */
  recoverSlice?: boolean;
}

const OPTION_NAMES = [
  'pruner',
  'prunerOptions',
  'step',
  'tolerance',
  'maxIterations',
  'fineTune',
  'seed',
  'originalTestAccuracy',
  'recoverSlice',
];

function checkOptions(options: Record<string, unknown>): PruneMaintainerOptions {
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new UsageError(`prune: unknown option '${key}' (expected ${OPTION_NAMES.join(', ')})`);
    }
  }
  if (typeof options.pruner !== 'string' || options.pruner.length === 0) {
    throw new UsageError(
      `prune: option 'pruner' must name a pruner (e.g. 'lamp'), got ${JSON.stringify(options.pruner)}`,
    );
  }
  const prunerOptions = options.prunerOptions;
  if (
    prunerOptions !== undefined &&
    (typeof prunerOptions !== 'object' || prunerOptions === null || Array.isArray(prunerOptions))
  ) {
    throw new UsageError(
      `prune: prunerOptions must be an object, got ${JSON.stringify(prunerOptions)}`,
    );
  }
  const checked = options as unknown as PruneMaintainerOptions;
  try {
    checkPruneSettings({
      ...checked,
      fineTune: checked.fineTune as PruneSettingOptions['fineTune'],
    });
  } catch (error) {
    if (isUsageError(error)) throw new UsageError(`prune: ${error.message}`);
    throw error;
  }
  return checked;
}

/**
 * The `prune` maintenance task (SPEC §4, paper Table 4): iterative weight pruning with a pruner
 * found by name, within the slice's neurons; when the slice drops neurons the result is
 * restructured by the `restructure` maintainer into a physically smaller model. With
 * `fullSlice(model)` it is the pruner alone. `request.model` is left unchanged.
 */
export class PruneMaintainer implements Maintainer {
  readonly name = 'prune';
  readonly description =
    'Iterative weight pruning (LAMP, global, Uniform+, ERK) within a slice, then restructuring; reports CR, NI and MA';

  async maintain(request: MaintenanceRequest): Promise<MaintenanceReport> {
    const options = checkOptions(request.options);
    if (!request.testData) {
      throw new UsageError(
        'prune: testData is required (each iteration is judged by its test accuracy)',
      );
    }
    const pruner = request.components('pruner', options.pruner);
    const pruneOptions: IterativePruneOptions = {
      model: request.model,
      slice: request.slice,
      pruner,
      prunerOptions: options.prunerOptions,
      trainData: request.trainData,
      testData: request.testData,
      step: options.step,
      tolerance: options.tolerance,
      maxIterations: options.maxIterations,
      fineTune: options.fineTune,
      seed: options.seed,
      originalTestAccuracy: options.originalTestAccuracy,
      recoverSlice: options.recoverSlice,
      onProgress: request.onProgress,
      restructure: async (model, slice) => {
        const report = await request.components('maintainer', 'restructure').maintain({
          model,
          slice,
          trainData: request.trainData,
          // No test data: the runner evaluates the restructured model itself.
          options: {},
          components: request.components,
          onProgress: request.onProgress,
        });
        if (!report.model) {
          throw new Error("prune: the 'restructure' maintainer returned no model");
        }
        return report.model;
      },
    };
    const result = await iterativePrune(pruneOptions);
    return {
      figures: {
        compressionRate: result.compressionRate,
        iterations: result.iterations,
        testAccuracy: result.testAccuracy,
        originalTestAccuracy: result.originalTestAccuracy,
        slicedTestAccuracy: result.slicedTestAccuracy,
        recoveredTestAccuracy: result.recoveredTestAccuracy,
        sliceCompressionRate: result.sliceCompressionRate,
        parametersBefore: result.parametersBefore,
        parametersAfter: result.parametersAfter,
        prunableWeightsBefore: result.prunableWeightsBefore,
        prunableWeightsAfter: result.prunableWeightsAfter,
        seconds: result.seconds,
      },
      model: result.model,
      details: {
        pruner: pruner.name,
        restructured: result.restructured,
        stopReason: result.stopReason,
        history: result.history,
      },
    };
  }
}
