import { listComponents, UsageError } from '@neusemslice/core';
import {
  checkMaskFill,
  DEFAULT_EXTRA_KEEP_RATIOS,
  DEFAULT_KEEP_RATIOS,
  DEFAULT_MASK_FILL,
  DEFAULT_THETAS,
  runMaskingSettingStudy,
  runMaskingStudy,
  studySetting,
} from '@neusemslice/studies';
import { listOption, numberOption, type ParsedOptions, stringOption } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import {
  activateBackend,
  batchSizeOption,
  runtimeOptions,
  seedOption,
  slicingSubset,
  testSamplesOption,
} from './common';
import { loadModelOption, loadTrainAndTest, modelAndDatasetOptions } from './model-input';
import { checkOutputPath } from './output-path';
import { studyRunOptions } from './study-options';

/** A comma-separated list of shares in (0, 1]; `none` for an empty list when `allowNone`. */
function sharesOption(options: ParsedOptions, name: string, allowNone = false): number[] {
  const raw = stringOption(options, name);
  if (allowNone && raw.trim() === 'none') return [];
  const values = listOption(options, name).map((entry) => ({ entry, value: Number(entry) }));
  if (values.length === 0) throw new UsageError(`--${name}: give at least one value`);
  for (const { entry, value } of values) {
    if (!Number.isFinite(value) || value <= 0 || value > 1)
      throw new UsageError(`--${name} must hold numbers in (0, 1], got '${entry}'`);
  }
  return values.map(({ value }) => value);
}

export const studyMaskingCommand: Command = {
  name: 'study masking',
  usage: 'study masking (--model <dir> | --setting <id> [--seeds <n>]) [options]',
  summary:
    'Pilot tables (paper Tables 1–3) and accuracy/compression curves (Fig. 5) of a saved model, or of a setting’s trained models with one summary',
  options: {
    ...modelAndDatasetOptions,
    model: {
      ...modelAndDatasetOptions.model,
      required: false,
      description: 'Directory of a saved model (or --setting)',
    },
    setting: {
      type: 'string',
      placeholder: '<id>',
      description:
        'mlp-mnist | mlp-fashion-mnist | lenet5-fashion-mnist: the study on --seeds trained models (cached in --cache-dir) and one summary of them all',
    },
    seeds: {
      type: 'string',
      placeholder: '<n>',
      default: '3',
      description: 'With --setting: seeds 1 … n, one trained model each',
    },
    'cache-dir': {
      type: 'string',
      placeholder: '<dir>',
      default: 'runs/study-models',
      description:
        'With --setting: trained models (trained when missing) and the checkpoint of finished models',
    },
    label: {
      type: 'string',
      placeholder: '<text>',
      description:
        "Name in the outputs, e.g. MLP-MNIST (default: model-dataset, or the setting's label)",
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
    'keep-ratios': {
      type: 'string',
      placeholder: '<list>',
      default: DEFAULT_KEEP_RATIOS.join(','),
      description: 'Keep ratios k of global and category-wise slicing (the paper’s grid)',
    },
    'extra-keep-ratios': {
      type: 'string',
      placeholder: '<list|none>',
      default: DEFAULT_EXTRA_KEEP_RATIOS.join(','),
      description:
        'k below the grid, measured (descending) only while semantic slices compress further than a baseline has',
    },
    thetas: {
      type: 'string',
      placeholder: '<list>',
      default: DEFAULT_THETAS.join(','),
      description: 'Semantic thresholds Θ',
    },
    fill: {
      type: 'string',
      placeholder: '<zero|mean>',
      default: DEFAULT_MASK_FILL,
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
    const fromSetting = options.setting !== undefined;
    if (fromSetting === (options.model !== undefined))
      throw new UsageError('give either --model <dir> or --setting <id>, not both or neither');
    const metrics = listOption(
      options,
      'metrics',
      listComponents(context.container, 'metric').map((metric) => metric.name),
    );
    const perClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    const batchSize = batchSizeOption(options);
    const fill = checkMaskFill(stringOption(options, 'fill'), '--fill');
    const randomDraws = numberOption(options, 'random-draws', { min: 0, max: 1000, integer: true });
    const keepRatios = sharesOption(options, 'keep-ratios');
    const extraKeepRatios = sharesOption(options, 'extra-keep-ratios', true);
    const thetas = sharesOption(options, 'thetas');
    const testSamples = testSamplesOption(options);
    // Only the options given: the slicer's own defaults apply to the rest (one source of truth).
    const semanticOptions: Record<string, unknown> = {};
    if (options.features !== undefined)
      semanticOptions.features = stringOption(options, 'features');
    if (options.combine !== undefined) semanticOptions.combine = stringOption(options, 'combine');
    if (options.uncentered === true) semanticOptions.centered = false;
    const perModel = {
      metrics,
      keepRatios,
      extraKeepRatios,
      thetas,
      slicerOptions: { semantic: semanticOptions },
      fill,
      randomDraws,
      batchSize,
    };

    if (fromSetting) {
      const setting = studySetting(stringOption(options, 'setting'));
      const seedCount = numberOption(options, 'seeds', { min: 1, max: 100, integer: true });
      const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);
      const label = typeof options.label === 'string' ? options.label : setting.label;
      const result = await runMaskingSettingStudy({
        ...(await studyRunOptions(options, context)),
        ...perModel,
        setting,
        seeds,
        label,
        slicingPerClass: perClass,
        testSamples,
      });
      context.print(
        `masking study of ${label} on ${seeds.length} models done in ${(result.elapsedSeconds / 60).toFixed(1)} min:`,
      );
      context.print(`  ${result.files.summary}`);
      const runs = result.runs.map((run) => ({
        seed: run.seed,
        baseAccuracy: run.baseAccuracy,
        pass: run.checks.filter((check) => check.verdict === 'pass').length,
        fail: run.checks.filter((check) => check.verdict === 'fail').length,
        notComparable: run.checks.filter((check) => check.verdict === 'not comparable').length,
        checks: run.checks.length,
      }));
      for (const run of runs)
        context.print(
          `  seed ${run.seed}: ${run.pass} pass, ${run.fail} fail, ${run.notComparable} not comparable of ${run.checks}`,
        );
      return { setting: setting.id, label, runs, summary: result.files.summary };
    }

    const seed = seedOption(options);
    const outDir = checkOutputPath(stringOption(options, 'out'), {
      optionName: 'out',
      kind: 'directory',
      mayExist: true,
    });
    const backend = await activateBackend(options, context);
    const loaded = await loadModelOption(options);
    const { train, test } = await loadTrainAndTest(loaded, options, context);
    const label =
      typeof options.label === 'string'
        ? options.label
        : `${loaded.metadata?.modelName ?? 'model'}-${loaded.datasetName}`;
    const result = await runMaskingStudy({
      ...perModel,
      container: context.container,
      model: loaded.neuronModel,
      modelLabel: label,
      slicingData: slicingSubset(train, perClass, seed),
      testData: test,
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
    const count = (verdict: string) =>
      result.checks.filter((check) => check.verdict === verdict).length;
    context.print(
      `semantic vs best baseline at equal compression: ${count('pass')} pass, ${count('fail')} fail, ${count('not comparable')} not comparable of ${result.checks.length} (metric, Θ) pairs`,
    );
    return {
      label,
      baseAccuracy: result.baseAccuracy,
      pass: count('pass'),
      fail: count('fail'),
      notComparable: count('not comparable'),
      checks: result.checks.length,
      files: result.files,
    };
  },
};
