import * as path from 'node:path';
import {
  checkKeepRatio,
  isUsageError,
  listComponents,
  resolveComponent,
  resolveWorkerCount,
  saveSlice,
  sliceToJson,
  startWorkerPool,
  UsageError,
  type WorkerPool,
} from '@neusemslice/core';
import { parseDeepArcOptions } from '@neusemslice/slicer-deeparc';
import { checkTheta, parseSemanticOptions } from '@neusemslice/slicer-semantic';
import { checkedNumberOption, numberOption, stringOption, type ParsedOptions } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import { checkRuntimeOptions, activateBackend, notASliceFile, runtimeOptions } from './common';
import {
  loadModelOption,
  loadSlicingSubsetFor,
  loadSplitFor,
  modelAndDatasetOptions,
} from './model-input';
import { claimOutputPath, forceOption } from './output-path';
import { cliPluginModules } from '../plugins';
import { reportSlice } from './slice-report';

/**
 * Slicer options the CLI passes through, by flag. Each range is the library's own check (the
 * slicer's), so the CLI and the API accept exactly the same values.
 */
export function slicerOptionsFrom(options: ParsedOptions): Record<string, unknown> {
  const sliceOptions: Record<string, unknown> = {};
  if (options.theta !== undefined)
    sliceOptions.theta = checkedNumberOption(options, 'theta', checkTheta);
  if (options['keep-ratio'] !== undefined)
    sliceOptions.keepRatio = checkedNumberOption(options, 'keep-ratio', (value) =>
      checkKeepRatio('slicer', value),
    );
  if (options.step !== undefined)
    sliceOptions.step = checkedNumberOption(
      options,
      'step',
      (step) => parseSemanticOptions({ step }).step,
    );
  if (options.threshold !== undefined)
    sliceOptions.threshold = checkedNumberOption(
      options,
      'threshold',
      (threshold) => parseDeepArcOptions({ threshold }).threshold,
    );
  if (options.features !== undefined) sliceOptions.features = stringOption(options, 'features');
  if (options.combine !== undefined) sliceOptions.combine = stringOption(options, 'combine');
  if (options.uncentered === true) sliceOptions.centered = false;
  return sliceOptions;
}

/** Option checks of the built-in slicers, so bad combinations fail before any loading. */
const SLICER_OPTION_CHECKS: Record<string, (options: Record<string, unknown>) => unknown> = {
  semantic: parseSemanticOptions,
  deeparc: parseDeepArcOptions,
  global: requireKeepRatioOnly,
  'category-wise': requireKeepRatioOnly,
};

function requireKeepRatioOnly(options: Record<string, unknown>): void {
  for (const name of Object.keys(options)) {
    if (name !== 'keepRatio')
      throw new UsageError(`option '${name}' does not apply (it takes --keep-ratio only)`);
  }
  if (options.keepRatio === undefined) throw new UsageError('--keep-ratio <k> is required');
}

/** Checks the slicer options against the chosen slicer (when it is a built-in one). */
export function checkSlicerOptions(
  slicerName: string,
  sliceOptions: Record<string, unknown>,
): void {
  const check = SLICER_OPTION_CHECKS[slicerName];
  if (!check) return;
  try {
    check(sliceOptions);
  } catch (error) {
    if (isUsageError(error)) throw new UsageError(`--slicer ${slicerName}: ${error.message}`);
    throw error;
  }
}

/** Classes assumed before the data set is loaded (MNIST, Fashion-MNIST, CIFAR-10). */
const ASSUMED_CLASSES = 10;

/**
 * Worker threads started before the model and data are loaded, so that their start-up (tfjs, the
 * backend, the plugins: ≈ 0.6 CPU-s each) overlaps the loading instead of the slicing. Only the
 * semantic slicer shares its passes among threads, and only when the slice will use more than one
 * thread by the slicer's own rule (the class count is not known yet: 10 assumed, checked later).
 */
export function startSlicingPoolAhead(
  slicerName: string,
  workers: number | undefined,
  perClass: number,
  workerPlugins: readonly string[],
): WorkerPool | undefined {
  if (slicerName !== 'semantic') return undefined;
  const threads = resolveWorkerCount(workers, perClass * ASSUMED_CLASSES, ASSUMED_CLASSES);
  return threads > 1 ? startWorkerPool({ threads, workerPlugins }) : undefined;
}

export const sliceCommand: Command = {
  name: 'slice',
  summary: 'Find the critical neurons of a saved model and save them as a slice file',
  options: {
    ...modelAndDatasetOptions,
    metric: {
      type: 'string',
      placeholder: '<name>',
      default: 'taylor',
      description: 'Contribution metric: avg | var | ens | deeplift | taylor | any registered',
    },
    slicer: {
      type: 'string',
      placeholder: '<name>',
      default: 'semantic',
      description: 'Slicer: semantic | global | category-wise | deeparc | any registered',
    },
    theta: {
      type: 'string',
      placeholder: '<Θ>',
      description: 'semantic: CKA threshold in (0, 1] (default 0.95)',
    },
    step: {
      type: 'string',
      placeholder: '<i>',
      description: 'semantic: prefix step of Algorithm 1 (default 1, exact)',
    },
    features: {
      type: 'string',
      placeholder: '<kind>',
      description:
        'semantic: spatial-mean | flattened | energy conv features (default spatial-mean)',
    },
    combine: {
      type: 'string',
      placeholder: '<how>',
      description: 'semantic: union | layer-budget of the per-class prefixes (default union)',
    },
    uncentered: {
      type: 'boolean',
      description: 'semantic: use the paper’s literal uncentred Eq. 2',
    },
    'keep-ratio': {
      type: 'string',
      placeholder: '<k>',
      description: 'global / category-wise: share of neurons kept per layer',
    },
    threshold: {
      type: 'string',
      placeholder: '<s>',
      description: 'deeparc: layer-similarity threshold (default 0.99)',
    },
    'per-class': {
      type: 'string',
      placeholder: '<n>',
      default: '500',
      description: 'Training samples per class to slice on (seeded)',
    },
    workers: {
      type: 'string',
      placeholder: '<n>',
      description:
        'semantic: threads for the per-category passes, main thread included (default: one per core, each with ≥ 2,000 samples)',
    },
    out: {
      type: 'string',
      placeholder: '<file>',
      required: true,
      description: 'Where to save the slice (JSON)',
    },
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    // Every option and the output are checked before anything is loaded.
    const metric = resolveComponent(context.container, 'metric', stringOption(options, 'metric'));
    const slicerName = stringOption(options, 'slicer');
    const slicer = resolveComponent(context.container, 'slicer', slicerName);
    const sliceOptions = slicerOptionsFrom(options);
    checkSlicerOptions(slicer.name, sliceOptions);
    const perClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    const workers =
      options.workers === undefined
        ? undefined
        : numberOption(options, 'workers', { min: 1, max: 256, integer: true });
    const { seed, batchSize } = checkRuntimeOptions(options, context);
    const output = claimOutputPath(stringOption(options, 'out'), {
      optionName: 'out',
      kind: 'file',
      inputs: [stringOption(options, 'model')],
      force: options.force === true,
      sameKind: notASliceFile,
    });
    const workerPlugins = [...cliPluginModules(), ...(context.userPluginModules ?? [])];
    let pool: WorkerPool | undefined;
    try {
      await activateBackend(options, context);
      pool = startSlicingPoolAhead(slicer.name, workers, perClass, workerPlugins);
      const loaded = await loadModelOption(options);
      // The workers load the model (and run it once) while this thread loads the data.
      await pool?.preloadModel(loaded.neuronModel);
      // Only the per-class sample of the training set is read, never the whole set.
      const slicingData = await loadSlicingSubsetFor(loaded, perClass, seed, options, context);
      const test = await loadSplitFor(loaded, 'test', options, context);
      context.log(
        `slicing on ${slicingData.size} training samples (${perClass} per class, seed ${seed}); metrics: ${listComponents(
          context.container,
          'metric',
        )
          .map((m) => m.name)
          .join(', ')}`,
      );
      // The slicer's own rule on the loaded data; the pool serves it when it has the threads.
      const threads = resolveWorkerCount(workers, slicingData.size, slicingData.numClasses);
      if (pool && (threads <= 1 || threads > pool.threads)) {
        await pool.close();
        pool = undefined;
      }
      const startedAt = Date.now();
      const slice = await slicer.slice({
        model: loaded.neuronModel,
        data: slicingData,
        metric,
        options: sliceOptions,
        batchSize,
        onProgress: throttledProgress(context.log),
        workers: pool ? threads : workers,
        workerPlugins,
        workerPool: pool,
      });
      const seconds = (Date.now() - startedAt) / 1000;
      await pool?.close();
      // Record how the slicing data was drawn, so the slice can be remade.
      slice.options = { ...slice.options, slicingData: { split: 'train', perClass, seed } };
      saveSlice(output.path, slice);
      const report = await reportSlice(loaded.neuronModel, slice, test, context, batchSize);
      context.print(
        `saved ${path.resolve(output.path)} (${sliceToJson(slice).length} bytes) after ${seconds.toFixed(1)} s`,
      );
      return {
        out: path.resolve(output.path),
        metric: slice.metric,
        slicer: slice.slicer,
        criticalNeurons: Object.fromEntries(
          Object.entries(slice.critical).map(([layer, neurons]) => [layer, neurons.length]),
        ),
        compressionRate: report.compressionRate,
        maskedAccuracy: report.masked.accuracy,
        seconds,
      };
    } finally {
      await pool?.close();
      output.release();
    }
  },
};
