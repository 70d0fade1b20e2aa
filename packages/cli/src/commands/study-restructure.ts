import { resolveComponent, UsageError } from '@neusemslice/core';
import { checkFineTuneOptions, checkPruneSettings } from '@neusemslice/maintainer-restructure';
import { checkTheta } from '@neusemslice/slicer-semantic';
import {
  DEFAULT_STUDY_FINE_TUNE,
  parseSettings,
  runRestructureStudy,
  TABLE4_PRUNERS,
} from '@neusemslice/studies';
import { checkedNumberOption, numberOption, stringOption } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import { activateBackend, checkRuntimeOptions, loadSplit, runtimeOptions } from './common';
import { checkOutputPath } from './output-path';

function listOf(value: string, what: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0) throw new UsageError(`--${what}: give at least one name`);
  return items;
}

export const studyRestructureCommand: Command = {
  name: 'study restructure',
  usage: 'study restructure [options]',
  summary:
    'Table 4 (RQ2): each pruner alone vs slice + pruner, CR / NI / MA over seeds, beside the paper',
  options: {
    settings: {
      type: 'string',
      placeholder: '<list>',
      default: 'mlp-mnist,mlp-fashion-mnist,lenet5-fashion-mnist',
      description: 'Comma-separated setting ids',
    },
    seeds: {
      type: 'string',
      placeholder: '<n>',
      default: '2',
      description: 'Seeds 1 … n (one trained original and slice per seed)',
    },
    pruners: {
      type: 'string',
      placeholder: '<list>',
      default: TABLE4_PRUNERS.join(','),
      description: 'Comma-separated pruner names',
    },
    theta: {
      type: 'string',
      placeholder: '<Θ>',
      default: '0.95',
      description: 'Semantic slicer threshold of the Taylor slice',
    },
    'per-class': {
      type: 'string',
      placeholder: '<n>',
      default: '500',
      description: 'Training samples per class to slice on (seeded)',
    },
    step: {
      type: 'string',
      placeholder: '<p>',
      description:
        'Share of the remaining weights pruned per iteration (default 0.1 for MLP-MNIST, 0.05 elsewhere)',
    },
    tolerance: {
      type: 'string',
      placeholder: '<points>',
      default: '1',
      description: "Keep iterations within this many accuracy points of the original's",
    },
    'max-iterations': {
      type: 'string',
      placeholder: '<n>',
      default: '15',
      description: 'Iteration cap of each run',
    },
    'fine-tune-samples': {
      type: 'string',
      placeholder: '<n>',
      default: String(DEFAULT_STUDY_FINE_TUNE.samples),
      description: 'Training samples per iteration (drawn afresh, seeded)',
    },
    'fine-tune-epochs': {
      type: 'string',
      placeholder: '<n>',
      default: String(DEFAULT_STUDY_FINE_TUNE.epochs),
      description: 'Epochs over those samples per iteration',
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
      description: 'Directory for restructure-table4.{csv,md} and restructure-table4-runs.csv',
    },
    'cache-dir': {
      type: 'string',
      placeholder: '<dir>',
      default: 'runs/study-models',
      description: 'Trained originals, slices and the checkpoint of finished runs (resumable)',
    },
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const settings = parseSettings(stringOption(options, 'settings'));
    const seedCount = numberOption(options, 'seeds', { min: 1, max: 100, integer: true });
    const pruners = listOf(stringOption(options, 'pruners'), 'pruners');
    for (const pruner of pruners) resolveComponent(context.container, 'pruner', pruner);
    const theta = checkedNumberOption(options, 'theta', checkTheta);
    const slicingPerClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    const step =
      options.step === undefined
        ? undefined
        : checkedNumberOption(options, 'step', (value) => checkPruneSettings({ step: value }).step);
    const tolerance = checkedNumberOption(options, 'tolerance', (value) => {
      checkPruneSettings({ tolerance: value });
      return value;
    });
    const maxIterations = checkedNumberOption(
      options,
      'max-iterations',
      (value) => checkPruneSettings({ maxIterations: value }).maxIterations,
    );
    const { batchSize } = checkRuntimeOptions(options, context);
    const fineTune = {
      samples: checkedNumberOption(
        options,
        'fine-tune-samples',
        (value) => checkFineTuneOptions({ samples: value }).samples,
      ),
      epochs: checkedNumberOption(
        options,
        'fine-tune-epochs',
        (value) => checkFineTuneOptions({ epochs: value }).epochs,
      ),
      batchSize,
    };
    const testSamples =
      options['test-samples'] === undefined
        ? undefined
        : numberOption(options, 'test-samples', { min: 1, max: 1e9, integer: true });
    const outDir = checkOutputPath(stringOption(options, 'out'), {
      optionName: 'out',
      kind: 'directory',
      mayExist: true,
    });
    const cacheDir = stringOption(options, 'cache-dir');
    const backend = await activateBackend(options, context);
    const result = await runRestructureStudy({
      container: context.container,
      settings,
      seeds: Array.from({ length: seedCount }, (_, index) => index + 1),
      pruners,
      loadData: async (setting) => ({
        train: await loadSplit(setting.dataset, 'train', options, context),
        test: await loadSplit(setting.dataset, 'test', options, context),
      }),
      cacheDir,
      outDir,
      slicerOptions: { theta },
      slicingPerClass,
      step,
      tolerance,
      maxIterations,
      fineTune,
      testSamples,
      command: context.commandLine,
      backend,
      onProgress: throttledProgress(context.log, 10000),
      log: context.log,
    });
    context.print(
      `restructure study done in ${(result.elapsedSeconds / 60).toFixed(1)} min (${result.points.length} runs):`,
    );
    for (const file of Object.values(result.files)) context.print(`  ${file}`);
    return {
      runs: result.points.length,
      files: result.files,
      elapsedSeconds: result.elapsedSeconds,
    };
  },
};
