import { resolveComponent, UsageError } from '@neusemslice/core';
import {
  DEFAULT_STUDY_RETRAINING,
  parseSettings,
  runReadaptStudy,
  TABLE5_STRATEGIES,
  type Table5Strategy,
} from '@neusemslice/studies';
import { numberOption, stringOption } from '../args';
import type { Command } from '../command';
import { runtimeOptions, testSamplesOption } from './common';
import {
  listOf,
  printStudyDone,
  studyOutputOptions,
  studyRunOptions,
  studyScope,
  studyScopeOptions,
  studySliceOptions,
} from './study-options';

/** `3` or `3,lenet5-fashion-mnist=1`: a default and per-setting epochs. */
export function parseEpochs(value: string): {
  epochs: number;
  epochsBySetting: Record<string, number>;
} {
  let epochs = DEFAULT_STUDY_RETRAINING.epochs;
  const epochsBySetting: Record<string, number> = {};
  for (const item of listOf(value, 'epochs')) {
    const [left, right] = item.includes('=') ? item.split('=') : [undefined, item];
    const count = Number(right);
    if (!Number.isInteger(count) || count < 1) {
      throw new UsageError(`--epochs: '${item}' is not <n> or <setting>=<n> with n an integer ≥ 1`);
    }
    if (left === undefined) epochs = count;
    else epochsBySetting[parseSettings(left)[0].id] = count;
  }
  return { epochs, epochsBySetting };
}

export const studyReadaptCommand: Command = {
  name: 'study readapt',
  usage: 'study readapt [options]',
  summary:
    'Table 5 (RQ3): re-adaptation against FGSM/PGD, four strategies, TPR / RA / RAA over seeds, beside the paper',
  options: {
    ...studyScopeOptions('Seeds 1 … n (one trained original and slice per seed)'),
    attacks: {
      type: 'string',
      placeholder: '<list>',
      default: 'fgsm,pgd',
      description: 'Comma-separated attack names',
    },
    strategies: {
      type: 'string',
      placeholder: '<list>',
      default: TABLE5_STRATEGIES.join(','),
      description: 'Comma-separated strategies',
    },
    epochs: {
      type: 'string',
      placeholder: '<n>[,<setting>=<n>…]',
      default: String(DEFAULT_STUDY_RETRAINING.epochs),
      description: 'Retraining epochs, e.g. 3,lenet5-fashion-mnist=1',
    },
    samples: {
      type: 'string',
      placeholder: '<n>',
      default: String(DEFAULT_STUDY_RETRAINING.samples),
      description: 'The first n training samples are attacked and trained on',
    },
    steps: {
      type: 'string',
      placeholder: '<n>',
      default: String(DEFAULT_STUDY_RETRAINING.steps),
      description: 'PGD steps',
    },
    'step-size': {
      type: 'string',
      placeholder: '<α>',
      default: String(DEFAULT_STUDY_RETRAINING.stepSize),
      description: 'PGD step size',
    },
    epsilon: {
      type: 'string',
      placeholder: '<ε>',
      default: String(DEFAULT_STUDY_RETRAINING.epsilon),
      description: 'L∞ radius of both attacks',
    },
    ...studySliceOptions,
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      description: 'Clean accuracy on the first n test samples only (default: all)',
    },
    'report-only': {
      type: 'boolean',
      description: 'Write the tables from the runs already checkpointed, running nothing new',
    },
    note: {
      type: 'string',
      placeholder: '<text>',
      description: 'A line added to the Markdown (e.g. how the checkpointed runs were made)',
    },
    ...studyOutputOptions('Directory for readapt-table5.{csv,md} and readapt-table5-runs.csv'),
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const { settings, seeds } = studyScope(options);
    const attacks = listOf(stringOption(options, 'attacks'), 'attacks');
    for (const attack of attacks) resolveComponent(context.container, 'attack', attack);
    const strategies = listOf(stringOption(options, 'strategies'), 'strategies');
    for (const strategy of strategies) {
      if (!(TABLE5_STRATEGIES as readonly string[]).includes(strategy)) {
        throw new UsageError(
          `--strategies: unknown strategy '${strategy}' (expected ${TABLE5_STRATEGIES.join(' | ')})`,
        );
      }
    }
    const { epochs, epochsBySetting } = parseEpochs(stringOption(options, 'epochs'));
    const retraining = {
      epochs,
      epochsBySetting,
      samples: numberOption(options, 'samples', { min: 1, max: 1e7, integer: true }),
      steps: numberOption(options, 'steps', { min: 1, max: 10000, integer: true }),
      stepSize: numberOption(options, 'step-size', { min: 1e-9, max: 1e6 }),
      epsilon: numberOption(options, 'epsilon', { min: 0, max: 1e6 }),
    };
    const theta = numberOption(options, 'theta', { min: 0, max: 1 });
    const slicingPerClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    const testSamples = testSamplesOption(options);
    const result = await runReadaptStudy({
      ...(await studyRunOptions(options, context)),
      settings,
      seeds,
      attacks,
      strategies: strategies as Table5Strategy[],
      slicerOptions: { theta },
      slicingPerClass,
      retraining,
      testSamples,
      reportOnly: options['report-only'] === true,
      notes: typeof options.note === 'string' ? [options.note] : [],
    });
    printStudyDone(context, 'readapt', result);
    if (result.missing.length > 0) {
      context.print(`${result.missing.length} run(s) not done (listed in the Markdown)`);
    }
    return {
      runs: result.points.length,
      missing: result.missing,
      files: result.files,
      elapsedSeconds: result.elapsedSeconds,
    };
  },
};
