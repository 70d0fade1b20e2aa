import { listComponents } from '@neusemslice/core';
import { listOption, numberOption, stringOption } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import { checkMaskFill, runMaskingStudy } from '@neusemslice/studies';
import {
  activateBackend,
  batchSizeOption,
  runtimeOptions,
  seedOption,
  slicingSubset,
} from './common';
import { loadModelOption, loadTrainAndTest, modelAndDatasetOptions } from './model-input';

export const studyMaskingCommand: Command = {
  name: 'study masking',
  usage: 'study masking --model <dir> [options]',
  summary:
    'Pilot tables (paper Tables 1–3) and accuracy/compression curves (Fig. 5) of a saved model',
  options: {
    ...modelAndDatasetOptions,
    label: {
      type: 'string',
      placeholder: '<text>',
      description: 'Name in the outputs, e.g. MLP-MNIST (default: model-dataset)',
    },
    metrics: {
      type: 'string',
      placeholder: '<list>',
      default: 'avg,var,ens,deeplift,taylor',
      description: 'Comma-separated metrics',
    },
    'per-class': {
      type: 'string',
      placeholder: '<n>',
      default: '500',
      description: 'Training samples per class to slice on (seeded)',
    },
    features: {
      type: 'string',
      placeholder: '<kind>',
      description:
        'semantic slicer: spatial-mean | flattened | energy conv features (default: the slicer’s)',
    },
    combine: {
      type: 'string',
      placeholder: '<how>',
      description:
        'semantic slicer: union | layer-budget of the per-class prefixes (default: the slicer’s)',
    },
    uncentered: {
      type: 'boolean',
      description: 'semantic slicer: the paper’s literal uncentred CKA (Eq. 2)',
    },
    fill: {
      type: 'string',
      placeholder: '<zero|mean>',
      default: 'zero',
      description:
        'What a dropped neuron outputs in the curves: 0 or its mean over the slicing data',
    },
    'random-draws': {
      type: 'string',
      placeholder: '<n>',
      default: '5',
      description: 'Random slices of the same per-layer sizes beside every slice (0: none)',
    },
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      description: 'Evaluate on the first n test samples only (default: all)',
    },
    out: {
      type: 'string',
      placeholder: '<dir>',
      default: 'docs/results',
      description: 'Directory for the CSV, Markdown and SVG outputs',
    },
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const metrics = listOption(
      options,
      'metrics',
      listComponents(context.container, 'metric').map((metric) => metric.name),
    );
    const perClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    const seed = seedOption(options);
    const batchSize = batchSizeOption(options);
    const outDir = stringOption(options, 'out');
    const fill = checkMaskFill(stringOption(options, 'fill'), '--fill');
    const randomDraws = numberOption(options, 'random-draws', { min: 0, max: 1000, integer: true });
    // Only the options given: the slicer's own defaults apply to the rest (one source of truth).
    const semanticOptions: Record<string, unknown> = {};
    if (options.features !== undefined)
      semanticOptions.features = stringOption(options, 'features');
    if (options.combine !== undefined) semanticOptions.combine = stringOption(options, 'combine');
    if (options.uncentered === true) semanticOptions.centered = false;
    const backend = await activateBackend(options, context);
    const loaded = await loadModelOption(options);
    const { train, test } = await loadTrainAndTest(loaded, options, context);
    const label =
      typeof options.label === 'string'
        ? options.label
        : `${loaded.metadata?.modelName ?? 'model'}-${loaded.datasetName}`;
    const result = await runMaskingStudy({
      container: context.container,
      model: loaded.neuronModel,
      modelLabel: label,
      slicingData: slicingSubset(train, perClass, seed),
      testData: test,
      metrics,
      slicerOptions: { semantic: semanticOptions },
      fill,
      randomDraws,
      batchSize,
      outDir,
      onProgress: throttledProgress(context.log, 5000),
      command: context.commandLine,
      seed,
      backend,
    });
    context.print(
      `masking study of ${label} done in ${result.elapsedSeconds.toFixed(0)} s (unmasked accuracy ${(100 * result.baseAccuracy).toFixed(2)}%):`,
    );
    for (const file of Object.values(result.files)) context.print(`  ${file}`);
    const failed = result.checks.filter((check) => check.verdict === 'fail');
    context.print(
      `semantic vs best baseline at equal compression: ${result.checks.length - failed.length} of ${result.checks.length} (metric, Θ) pairs pass or are not comparable`,
    );
  },
};
