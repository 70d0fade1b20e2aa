import * as path from 'node:path';
import {
  componentLookup,
  createSlice,
  isUsageError,
  loadSlice,
  resolveComponent,
  UsageError,
} from '@neusemslice/core';
import { checkFineTuneOptions, checkPruneSettings } from '@neusemslice/maintainer-restructure';
import { OPTIMIZER_NAMES, type OptimizerName } from '@neusemslice/models';
import { checkedNumberOption, type ParsedOptions, stringOption } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import {
  activateBackend,
  checkRuntimeOptions,
  percent,
  runtimeOptions,
  testSamplesOption,
} from './common';
import { saveMaintainedModel, withModelOutput } from './maintained-model';
import { loadModelOption, loadTrainAndTest, modelAndDatasetOptions } from './model-input';
import { forceOption } from './output-path';
import { fineTuneBudgetOptions, pruneLoopOptions } from './prune-options';

/** --optimizer, checked by the library's fine-tuning check. */
function optimizerOption(options: ParsedOptions): OptimizerName {
  const optimizer = stringOption(options, 'optimizer');
  try {
    return checkFineTuneOptions({ optimizer }, 'fine-tune').optimizer;
  } catch (error) {
    if (isUsageError(error)) throw new UsageError(`--optimizer ${optimizer}: ${error.message}`);
    throw error;
  }
}

/** A full slice for the pruner alone: every neuron of every layer kept. */
function keepEveryNeuronOf(neuronLayers: readonly { name: string; units: number }[]) {
  return Object.fromEntries(
    neuronLayers.map((layer) => [
      layer.name,
      Array.from({ length: layer.units }, (_, index) => index),
    ]),
  );
}

export const pruneCommand: Command = {
  name: 'prune',
  summary:
    'Iterative weight pruning of a saved model (alone or within a slice, then restructured); reports CR, NI, MA',
  options: {
    ...modelAndDatasetOptions,
    slice: {
      type: 'string',
      placeholder: '<file>',
      description: 'Prune within this slice and restructure (default: the pruner alone)',
    },
    pruner: {
      type: 'string',
      placeholder: '<name>',
      required: true,
      description: 'lamp | global | uniform-plus | erk | any registered',
    },
    step: {
      type: 'string',
      placeholder: '<p>',
      default: '0.1',
      description: 'Share of the remaining weights pruned per iteration, in (0, 1)',
    },
    tolerance: {
      type: 'string',
      placeholder: '<points>',
      default: '1',
      description: "Stop at the last iteration within this many accuracy points of the original's",
    },
    'max-iterations': {
      type: 'string',
      placeholder: '<n>',
      default: '50',
      description: 'At most this many pruning iterations',
    },
    'fine-tune-samples': {
      type: 'string',
      placeholder: '<n>',
      default: '5000',
      description: 'Training samples per iteration (drawn afresh, seeded)',
    },
    'fine-tune-epochs': {
      type: 'string',
      placeholder: '<n>',
      default: '1',
      description: 'Epochs over those samples per iteration',
    },
    'learning-rate': {
      type: 'string',
      placeholder: '<lr>',
      default: '0.001',
      description: 'Fine-tuning learning rate',
    },
    optimizer: {
      type: 'string',
      placeholder: '<name>',
      default: 'adam',
      description: `Fine-tuning optimizer: ${OPTIMIZER_NAMES.join(' | ')}`,
    },
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      description: 'Judge and report accuracy on the first n test samples only (default: all)',
    },
    out: {
      type: 'string',
      placeholder: '<dir>',
      required: true,
      description: 'Directory to save the pruned (and restructured) model in',
    },
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    // Every option is checked, by the library's own checks, before anything is loaded.
    const pruner = resolveComponent(context.container, 'pruner', stringOption(options, 'pruner'));
    const prune = resolveComponent(context.container, 'maintainer', 'prune');
    const { seed, batchSize } = checkRuntimeOptions(options, context);
    const step = checkedNumberOption(
      options,
      'step',
      (value) => checkPruneSettings({ step: value }).step,
    );
    const { tolerance, maxIterations } = pruneLoopOptions(options);
    const fineTune = {
      ...fineTuneBudgetOptions(options),
      learningRate: checkedNumberOption(
        options,
        'learning-rate',
        (value) => checkFineTuneOptions({ learningRate: value }).learningRate,
      ),
      optimizer: optimizerOption(options),
      batchSize,
    };
    testSamplesOption(options);
    const modelDir = stringOption(options, 'model');
    const sliceFile = typeof options.slice === 'string' ? options.slice : undefined;
    return withModelOutput(options, [modelDir, sliceFile], async (output) => {
      const backend = await activateBackend(options, context);
      const loaded = await loadModelOption(options);
      const model = loaded.neuronModel;
      const slice = sliceFile
        ? loadSlice(sliceFile)
        : createSlice({
            model,
            metric: 'none',
            slicer: 'full',
            options: {},
            critical: keepEveryNeuronOf(model.neuronLayers),
          });
      const { train, test } = await loadTrainAndTest(loaded, options, context);
      context.log(
        `pruning with ${pruner.name}${sliceFile ? ` within the slice ${sliceFile}` : ' alone'}: p = ${step}, δ = ${tolerance} point(s), at most ${maxIterations} iterations, ${fineTune.samples} fine-tuning samples per iteration`,
      );
      const report = await prune.maintain({
        model,
        slice,
        trainData: train,
        testData: test,
        options: { pruner: pruner.name, step, tolerance, maxIterations, fineTune, seed },
        components: componentLookup(context.container),
        onProgress: throttledProgress(context.log),
      });
      const figures = report.figures;
      await saveMaintainedModel(report, 'prune', output.path, loaded, {
        seed,
        testAccuracy: figures.testAccuracy,
        prunedFrom: path.resolve(modelDir),
        pruner: pruner.name,
        compressionRate: figures.compressionRate,
        pruningIterations: figures.iterations,
        ...(sliceFile ? { slice: path.resolve(sliceFile) } : {}),
      });
      context.print(
        `${pruner.name}${sliceFile ? ' within the slice' : ' alone'}: CR ${percent(figures.compressionRate)} of the prunable weights after ${figures.iterations} iteration(s), test accuracy ${percent(figures.testAccuracy)} (original ${percent(figures.originalTestAccuracy)}; backend ${backend})`,
      );
      context.print(
        `parameters ${figures.parametersBefore} → ${figures.parametersAfter}; saved ${output.path}`,
      );
      return {
        parametersBefore: figures.parametersBefore,
        parametersAfter: figures.parametersAfter,
        compressionRate: figures.compressionRate,
        iterations: figures.iterations,
        testAccuracy: figures.testAccuracy,
        originalTestAccuracy: figures.originalTestAccuracy,
        pruner: pruner.name,
        out: output.path,
      };
    });
  },
};
