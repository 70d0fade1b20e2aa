import {
  type AttackOptions,
  resolveAttackOptions,
  resolveComponent,
  robustAccuracy,
  UsageError,
} from '@neusemslice/core';
import { numberOption, stringOption, type ParsedOptions } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import { activateBackend, batchSizeOption, percent, runtimeOptions, seedOption } from './common';
import { loadModelOption, loadSplitFor, modelAndDatasetOptions } from './model-input';

export const ATTACK_NAMES = ['fgsm', 'pgd'] as const;

/** The attack's options from --epsilon, --step-size, --steps (SPEC §4 MNIST defaults), checked. */
export function attackOptionsFrom(options: ParsedOptions, attackName: string): AttackOptions {
  const attackOptions: AttackOptions = {
    epsilon: numberOption(options, 'epsilon', { min: 0, max: 1e6 }),
    seed: seedOption(options),
  };
  if (options['step-size'] !== undefined) {
    attackOptions.stepSize = numberOption(options, 'step-size', { min: 0, max: 1e6 });
  }
  if (options.steps !== undefined) {
    attackOptions.steps = numberOption(options, 'steps', { min: 1, max: 1e6, integer: true });
  }
  // The attack's own check, so the CLI accepts exactly what the library accepts.
  resolveAttackOptions(attackName, attackOptions, { randomStart: false });
  return attackOptions;
}

/** The options `attack` and `readapt` share. */
export const attackFlags = {
  attack: {
    type: 'string',
    placeholder: ATTACK_NAMES.join('|'),
    required: true,
    description: 'The attack, by name',
  },
  epsilon: {
    type: 'string',
    placeholder: '<ε>',
    default: '0.3',
    description:
      'L∞ radius in input units (SPEC §4: 0.3 for MNIST/FMNIST, 8/255 ≈ 0.0314 for CIFAR-10)',
  },
  'step-size': {
    type: 'string',
    placeholder: '<α>',
    description: 'PGD step size (default 0.01; 2/255 for CIFAR-10)',
  },
  steps: {
    type: 'string',
    placeholder: '<n>',
    description: 'PGD steps (default 40)',
  },
  samples: {
    type: 'string',
    placeholder: '<n>',
    default: '1000',
    description: 'Attack the first n samples',
  },
} as const;

export const attackCommand: Command = {
  name: 'attack',
  summary:
    'Accuracy of a saved model under an adversarial attack (FGSM, PGD), with its clean accuracy',
  options: {
    ...modelAndDatasetOptions,
    split: {
      type: 'string',
      placeholder: 'test|train',
      default: 'test',
      description: 'Which split to attack',
    },
    ...attackFlags,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    // Every option is checked before anything is loaded.
    const attackName = stringOption(options, 'attack');
    const attack = resolveComponent(context.container, 'attack', attackName);
    const attackOptions = attackOptionsFrom(options, attackName);
    const samples = numberOption(options, 'samples', { min: 1, max: 1e9, integer: true });
    const split = stringOption(options, 'split');
    if (split !== 'test' && split !== 'train') {
      throw new UsageError(`--split must be test or train, got '${split}'`);
    }
    const batchSize = batchSizeOption(options);
    const backend = await activateBackend(options, context);
    const loaded = await loadModelOption(options);
    const all = await loadSplitFor(loaded, split, options, context);
    const data =
      samples >= all.size
        ? all
        : all.subset(
            Int32Array.from({ length: samples }, (_, index) => index),
            `${all.name}[0:${samples}]`,
          );
    const startedAt = Date.now();
    const report = await robustAccuracy(loaded.neuronModel, data, attack, attackOptions, {
      batchSize,
      onProgress: throttledProgress(context.log),
    });
    const seconds = (Date.now() - startedAt) / 1000;
    context.print(
      `${data.name}: clean accuracy ${percent(report.cleanAccuracy)}, under ${attackName} (ε = ${attackOptions.epsilon}) ${percent(report.robustAccuracy)} on ${report.samples} samples (backend ${backend}, ${seconds.toFixed(1)} s)`,
    );
    return {
      attack: attackName,
      epsilon: attackOptions.epsilon,
      stepSize: attackOptions.stepSize,
      steps: attackOptions.steps,
      samples: report.samples,
      robustAccuracy: report.robustAccuracy,
      cleanAccuracy: report.cleanAccuracy,
      accuracyDrop: report.cleanAccuracy - report.robustAccuracy,
      seconds,
      backend,
    };
  },
};
