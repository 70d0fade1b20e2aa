import { resolveComponent } from '@neusemslice/core';
import { checkPruneSettings } from '@neusemslice/maintainer-restructure';
import { checkTheta } from '@neusemslice/slicer-semantic';
import { DEFAULT_STUDY_FINE_TUNE, runRestructureStudy, TABLE4_PRUNERS } from '@neusemslice/studies';
import { checkedNumberOption, numberOption, stringOption } from '../args';
import type { Command } from '../command';
import { checkRuntimeOptions, runtimeOptions, testSamplesOption } from './common';
import { fineTuneBudgetOptions, pruneLoopOptions } from './prune-options';
import {
  listOf,
  printStudyDone,
  studyOutputOptions,
  studyRunOptions,
  studyScope,
  studyScopeOptions,
  studySliceOptions,
} from './study-options';

export const studyRestructureCommand: Command = {
  name: 'study restructure',
  usage: 'study restructure [options]',
  summary:
    'Table 4 (RQ2): each pruner alone vs slice + pruner, CR / NI / MA over seeds, beside the paper',
  options: {
    ...studyScopeOptions('Seeds 1 … n (one trained original and slice per seed)'),
    pruners: {
      type: 'string',
      placeholder: '<list>',
      default: TABLE4_PRUNERS.join(','),
      description: 'Comma-separated pruner names',
    },
    ...studySliceOptions,
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
    ...studyOutputOptions(
      'Directory for restructure-table4.{csv,md} and restructure-table4-runs.csv',
    ),
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const { settings, seeds } = studyScope(options);
    const pruners = listOf(stringOption(options, 'pruners'), 'pruners');
    for (const pruner of pruners) resolveComponent(context.container, 'pruner', pruner);
    const theta = checkedNumberOption(options, 'theta', checkTheta);
    const slicingPerClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    const step =
      options.step === undefined
        ? undefined
        : checkedNumberOption(options, 'step', (value) => checkPruneSettings({ step: value }).step);
    const { tolerance, maxIterations } = pruneLoopOptions(options);
    const { batchSize } = checkRuntimeOptions(options, context);
    const fineTune = {
      ...fineTuneBudgetOptions(options),
      batchSize,
    };
    const testSamples = testSamplesOption(options);
    const result = await runRestructureStudy({
      ...(await studyRunOptions(options, context)),
      settings,
      seeds,
      pruners,
      slicerOptions: { theta },
      slicingPerClass,
      step,
      tolerance,
      maxIterations,
      fineTune,
      testSamples,
    });
    printStudyDone(context, 'restructure', result);
    return {
      runs: result.points.length,
      files: result.files,
      elapsedSeconds: result.elapsedSeconds,
    };
  },
};
