import * as path from 'node:path';
import { componentLookup, loadSlice, resolveComponent, UsageError } from '@neusemslice/core';
import { numberOption, stringOption } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import { activateBackend, percent, runtimeOptions, seedOption, testSamplesOption } from './common';
import { attackFlags, attackOptionsFrom } from './attack';
import { modelAndSliceOptions, saveMaintainedModel } from './maintained-model';
import { loadModelOption, loadTrainAndTest } from './model-input';
import { checkOutputPath, forceOption } from './output-path';

const STRATEGIES = ['neusemslice', 'full', 'deeparc', 'neusemslice+deeparc'] as const;

export const readaptCommand: Command = {
  name: 'readapt',
  summary:
    'Repair a saved model against an attack by adversarial retraining of its critical neurons (or all, or DeepArc blocks)',
  options: {
    ...modelAndSliceOptions,
    dataset: {
      type: 'string',
      placeholder: '<name>',
      description: 'Data set (default: the one the model was trained on)',
    },
    strategy: {
      type: 'string',
      placeholder: STRATEGIES.join('|'),
      default: 'neusemslice',
      description: 'Which parameters are trained',
    },
    epochs: {
      type: 'string',
      placeholder: '<n>',
      default: '5',
      description: 'Retraining epochs over the attacked samples',
    },
    'learning-rate': {
      type: 'string',
      placeholder: '<lr>',
      default: '0.001',
      description: 'Adam learning rate',
    },
    blocks: {
      type: 'string',
      placeholder: '<n>',
      default: '1',
      description: 'DeepArc strategies: blocks with the largest CKA drop to train',
    },
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      description: 'Clean accuracy on the first n test samples only (default: all)',
    },
    out: {
      type: 'string',
      placeholder: '<dir>',
      required: true,
      description: 'Directory to save the repaired model in',
    },
    ...attackFlags,
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    // Every option and the output path are checked before anything is loaded.
    const readapt = resolveComponent(context.container, 'maintainer', 'readapt');
    const attackName = stringOption(options, 'attack');
    resolveComponent(context.container, 'attack', attackName);
    const attackOptions = attackOptionsFrom(options, attackName);
    const strategy = stringOption(options, 'strategy');
    if (!(STRATEGIES as readonly string[]).includes(strategy)) {
      throw new UsageError(
        `--strategy must be one of ${STRATEGIES.join(' | ')}, got '${strategy}'`,
      );
    }
    const modelDir = stringOption(options, 'model');
    const sliceFile = stringOption(options, 'slice');
    const outDir = checkOutputPath(stringOption(options, 'out'), {
      optionName: 'out',
      kind: 'directory',
      inputs: [modelDir, sliceFile],
      force: options.force === true,
    });
    const maintainerOptions = {
      attack: attackName,
      strategy,
      epsilon: attackOptions.epsilon,
      ...(attackOptions.stepSize !== undefined ? { stepSize: attackOptions.stepSize } : {}),
      ...(attackOptions.steps !== undefined ? { steps: attackOptions.steps } : {}),
      epochs: numberOption(options, 'epochs', { min: 1, max: 10000, integer: true }),
      learningRate: numberOption(options, 'learning-rate', { min: 1e-12, max: 10 }),
      blocks: numberOption(options, 'blocks', { min: 1, max: 10000, integer: true }),
      samples: numberOption(options, 'samples', { min: 1, max: 1e9, integer: true }),
      batchSize: numberOption(options, 'batch-size', { min: 1, max: 65536, integer: true }),
      seed: seedOption(options),
    };
    testSamplesOption(options);

    const backend = await activateBackend(options, context);
    const slice = loadSlice(sliceFile);
    const loaded = await loadModelOption(options);
    const { train, test } = await loadTrainAndTest(loaded, options, context);
    const report = await readapt.maintain({
      model: loaded.neuronModel,
      slice,
      trainData: train,
      testData: test,
      options: maintainerOptions,
      components: componentLookup(context.container),
      onProgress: throttledProgress(context.log),
    });
    const figures = report.figures;
    await saveMaintainedModel(report, 'readapt', outDir, loaded, {
      testAccuracy: figures.cleanAccuracy,
      backend,
      readaptedFrom: path.resolve(modelDir),
      slice: path.resolve(sliceFile),
      attack: attackName,
      strategy,
      tpr: figures.tpr,
      ra: figures.ra,
      raa: figures.raa,
    });
    const blocks = (report.details?.trainedBlocks as string[] | undefined) ?? [];
    context.print(
      `readapt (${strategy}${blocks.length > 0 ? `, blocks ${blocks.join(', ')}` : ''}) against ${attackName}: TPR ${percent(figures.tpr)} (${figures.trainedParameters}/${figures.totalParameters} parameters), ${figures.seconds.toFixed(1)} s of retraining`,
    );
    context.print(
      `accuracy on the ${figures.samples} attacked training samples ${percent(figures.robustAccuracyBefore)} → RA ${percent(figures.ra)}; re-attacked RAA ${percent(figures.raa)}; clean test accuracy ${percent(figures.cleanAccuracyBefore)} → ${percent(figures.cleanAccuracy)} (backend ${backend})`,
    );
    context.print(`saved ${outDir}`);
    return {
      strategy,
      attack: attackName,
      ...figures,
      trainedBlocks: blocks,
      out: outDir,
      backend,
    };
  },
};
