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
import { throttledProgress } from '../progress-printer';
import { activateBackend, loadSplit, runtimeOptions } from './common';
import { checkOutputPath } from './output-path';

function listOf(value: string, what: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (items.length === 0) throw new UsageError(`--${what}: give at least one name`);
  return items;
}

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
    out: {
      type: 'string',
      placeholder: '<dir>',
      default: 'docs/results',
      description: 'Directory for readapt-table5.{csv,md} and readapt-table5-runs.csv',
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
    const result = await runReadaptStudy({
      container: context.container,
      settings,
      seeds: Array.from({ length: seedCount }, (_, index) => index + 1),
      attacks,
      strategies: strategies as Table5Strategy[],
      loadData: async (setting) => ({
        train: await loadSplit(setting.dataset, 'train', options, context),
        test: await loadSplit(setting.dataset, 'test', options, context),
      }),
      cacheDir,
      outDir,
      slicerOptions: { theta },
      slicingPerClass,
      retraining,
      testSamples,
      reportOnly: options['report-only'] === true,
      notes: typeof options.note === 'string' ? [options.note] : [],
      command: context.commandLine,
      backend,
      onProgress: throttledProgress(context.log, 10000),
      log: context.log,
    });
    context.print(
      `readapt study done in ${(result.elapsedSeconds / 60).toFixed(1)} min (${result.points.length} runs):`,
    );
    for (const file of Object.values(result.files)) context.print(`  ${file}`);
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
