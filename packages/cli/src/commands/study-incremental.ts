import { UsageError } from '@neusemslice/core';
import {
  DEFAULT_INCREMENTAL_TRAINING,
  runIncrementalStudy,
  TABLE6_VARIANTS,
} from '@neusemslice/studies';
import { numberOption, stringOption } from '../args';
import type { Command } from '../command';
import { taskOptions } from './incremental';
import { checkRuntimeOptions, runtimeOptions, testSamplesOption } from './common';
import {
  printStudyDone,
  studyOutputOptions,
  studyRunOptions,
  studyScope,
  studyScopeOptions,
} from './study-options';

export const studyIncrementalCommand: Command = {
  name: 'study incremental',
  usage: 'study incremental [options]',
  summary:
    'Table 6 (RQ4): learn task B without forgetting task A, every strategy (retrain, replay, DeepArc, NeuSemSlice, EWC) over seeds, beside the paper',
  options: {
    ...studyScopeOptions('Seeds 1 … n (one task-A model and slice per seed)'),
    variants: {
      type: 'string',
      placeholder: '<list>',
      default: TABLE6_VARIANTS.map((variant) => variant.id).join(','),
      description: 'Comma-separated rows of the table',
    },
    'task-a': {
      type: 'string',
      placeholder: '<list>',
      description: 'Classes of task A (default: the first half)',
    },
    'task-b': {
      type: 'string',
      placeholder: '<list>',
      description: 'Classes of task B (default: the other classes)',
    },
    theta: {
      type: 'string',
      placeholder: '<Θ>',
      default: '0.95',
      description: 'Semantic threshold of the task-A slice (Taylor metric)',
    },
    'per-class': {
      type: 'string',
      placeholder: '<n>',
      default: '500',
      description: 'Task-A training samples per class to slice on (seeded)',
    },
    epochs: {
      type: 'string',
      placeholder: '<n>',
      default: String(DEFAULT_INCREMENTAL_TRAINING.epochs),
      description: 'Passes over the task-B training data (plus replay) in every run',
    },
    lr: {
      type: 'string',
      placeholder: '<rate>',
      default: String(DEFAULT_INCREMENTAL_TRAINING.learningRate),
      description: 'Adam learning rate of every run',
    },
    'ewc-lambda': {
      type: 'string',
      placeholder: '<λ>',
      default: String(DEFAULT_INCREMENTAL_TRAINING.ewcLambda),
      description: 'EWC penalty weight λ',
    },
    'fisher-samples': {
      type: 'string',
      placeholder: '<n>',
      default: String(DEFAULT_INCREMENTAL_TRAINING.fisherSamples),
      description: 'Task-A samples of EWC’s Fisher diagonal',
    },
    'train-per-class': {
      type: 'string',
      placeholder: '<n>',
      description: 'Learn task B from n seeded training samples per class (default: all)',
    },
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      description: 'Evaluate on the first n test samples of each task (default: all)',
    },
    ...studyOutputOptions(
      'Directory for incremental-table6.{csv,md} and incremental-table6-runs.csv',
      'Task-A models, slices and the checkpoint of finished runs (resumable)',
    ),
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const { settings, seeds } = studyScope(options);
    const variantIds = stringOption(options, 'variants')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id.length > 0);
    if (variantIds.length === 0) throw new UsageError('--variants: give at least one row');
    const variants = variantIds.map((id) => {
      const found = TABLE6_VARIANTS.find((variant) => variant.id === id);
      if (!found) {
        throw new UsageError(
          `--variants: unknown row '${id}' (expected ${TABLE6_VARIANTS.map((variant) => variant.id).join(' | ')})`,
        );
      }
      return found;
    });
    const { taskA, taskB } = taskOptions(options);
    const theta = numberOption(options, 'theta', { min: 0, max: 1 });
    if (theta <= 0) throw new UsageError(`--theta must be in (0, 1], got ${theta}`);
    const slicingPerClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    const { batchSize } = checkRuntimeOptions(options, context);
    const training = {
      epochs: numberOption(options, 'epochs', { min: 1, max: 1000, integer: true }),
      learningRate: numberOption(options, 'lr', { min: 1e-7, max: 10 }),
      ewcLambda: numberOption(options, 'ewc-lambda', { min: 0, max: 1e12 }),
      fisherSamples: numberOption(options, 'fisher-samples', { min: 1, max: 1e7, integer: true }),
      batchSize,
    };
    const trainPerClass =
      options['train-per-class'] === undefined
        ? undefined
        : numberOption(options, 'train-per-class', { min: 1, max: 1e7, integer: true });
    const testSamples = testSamplesOption(options);
    const result = await runIncrementalStudy({
      ...(await studyRunOptions(options, context)),
      settings,
      seeds,
      variants,
      taskA,
      taskB,
      theta,
      slicingPerClass,
      training,
      trainPerClass,
      testSamples,
    });
    printStudyDone(context, 'incremental', result);
    return {
      runs: result.points.length,
      files: result.files,
      elapsedSeconds: result.elapsedSeconds,
    };
  },
};
