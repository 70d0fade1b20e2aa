import * as path from 'node:path';
import { listComponents, resolveComponent, saveSlice, sliceToJson } from '@neusemslice/core';
import { numberOption, stringOption, type ParsedOptions } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import {
  activateBackend,
  batchSizeOption,
  runtimeOptions,
  seedOption,
  slicingSubset,
} from './common';
import { loadModelOption, loadSplitFor } from './model-input';
import { reportSlice } from './slice-report';

/** Slicer options the CLI passes through, by flag. */
export function slicerOptionsFrom(options: ParsedOptions): Record<string, unknown> {
  const sliceOptions: Record<string, unknown> = {};
  if (options.theta !== undefined)
    sliceOptions.theta = numberOption(options, 'theta', { min: 0, max: 1 });
  if (options['keep-ratio'] !== undefined)
    sliceOptions.keepRatio = numberOption(options, 'keep-ratio', { min: 0, max: 1 });
  if (options.step !== undefined)
    sliceOptions.step = numberOption(options, 'step', { min: 1, max: 1e6, integer: true });
  if (options.threshold !== undefined)
    sliceOptions.threshold = numberOption(options, 'threshold', { min: 0, max: 1 });
  if (options.features !== undefined) sliceOptions.features = stringOption(options, 'features');
  if (options.uncentered === true) sliceOptions.centered = false;
  return sliceOptions;
}

export const sliceCommand: Command = {
  name: 'slice',
  summary: 'Find the critical neurons of a saved model and save them as a slice file',
  options: {
    model: {
      type: 'string',
      placeholder: '<dir>',
      required: true,
      description: 'Directory of a saved model',
    },
    dataset: {
      type: 'string',
      placeholder: '<name>',
      description: 'Data set (default: the one the model was trained on)',
    },
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
      description: 'semantic: spatial-mean | flattened conv features',
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
    out: {
      type: 'string',
      placeholder: '<file>',
      required: true,
      description: 'Where to save the slice (JSON)',
    },
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const metric = resolveComponent(context.container, 'metric', stringOption(options, 'metric'));
    const slicer = resolveComponent(context.container, 'slicer', stringOption(options, 'slicer'));
    const sliceOptions = slicerOptionsFrom(options);
    const perClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    const seed = seedOption(options);
    const batchSize = batchSizeOption(options);
    const outFile = stringOption(options, 'out');
    await activateBackend(options, context);
    const loaded = await loadModelOption(options);
    const train = await loadSplitFor(loaded, 'train', options, context);
    const test = await loadSplitFor(loaded, 'test', options, context);
    const slicingData = slicingSubset(train, perClass, seed);
    context.log(
      `slicing on ${slicingData.size} training samples (${perClass} per class, seed ${seed}); metrics: ${listComponents(
        context.container,
        'metric',
      )
        .map((m) => m.name)
        .join(', ')}`,
    );
    const startedAt = Date.now();
    const slice = await slicer.slice({
      model: loaded.neuronModel,
      data: slicingData,
      metric,
      options: sliceOptions,
      batchSize,
      onProgress: throttledProgress(context.log),
    });
    const seconds = (Date.now() - startedAt) / 1000;
    // Record how the slicing data was drawn, so the slice can be remade.
    slice.options = { ...slice.options, slicingData: { split: 'train', perClass, seed } };
    saveSlice(outFile, slice);
    await reportSlice(loaded.neuronModel, slice, test, context, batchSize);
    context.print(
      `saved ${path.resolve(outFile)} (${sliceToJson(slice).length} bytes) after ${seconds.toFixed(1)} s`,
    );
  },
};
