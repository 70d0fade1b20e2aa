import { checkInteger, checkNumberInRange, UsageError } from '@neusemslice/core';
import { OPTIMIZER_NAMES, type OptimizerName } from '@neusemslice/models';

/** Which parameters re-adaptation trains (paper §4.2, Table 5). */
export const READAPT_STRATEGIES = [
  'neusemslice',
  'full',
  'deeparc',
  'neusemslice+deeparc',
] as const;
export type ReadaptStrategy = (typeof READAPT_STRATEGIES)[number];

export const READAPT_ATTACKS = ['fgsm', 'pgd'] as const;
export type ReadaptAttack = (typeof READAPT_ATTACKS)[number];

export interface ReadaptOptions {
  /** The attack, looked up by name in the container. */
  attack: ReadaptAttack;
  /** L∞ radius; default 0.3 (SPEC §4, MNIST/FMNIST). */
  epsilon: number;
  /** PGD step size α; default 0.01. */
  stepSize: number;
  /** PGD steps; default 40. */
  steps: number;
  strategy: ReadaptStrategy;
  /** DeepArc strategies: how many blocks (neuron layers) with the largest CKA drop to train; default 1. */
  blocks: number;
  epochs: number;
  learningRate: number;
  optimizer: OptimizerName;
  batchSize: number;
  /** The first n training samples are attacked and trained on; default 1000. */
  samples: number;
  seed: number;
}

export const READAPT_DEFAULTS: Omit<ReadaptOptions, 'attack' | 'strategy'> = {
  epsilon: 0.3,
  stepSize: 0.01,
  steps: 40,
  blocks: 1,
  epochs: 5,
  learningRate: 0.001,
  optimizer: 'adam',
  batchSize: 64,
  samples: 1000,
  seed: 0,
};

const OPTION_NAMES = ['attack', 'strategy', ...Object.keys(READAPT_DEFAULTS)];

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new UsageError(
      `readapt: ${name} must be one of ${allowed.join(' | ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/** Checks the `readapt` maintainer's options (unknown names are errors) and fills in defaults. */
export function parseReadaptOptions(options: Record<string, unknown>): ReadaptOptions {
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new UsageError(
        `readapt: unknown option '${key}' (expected ${OPTION_NAMES.join(', ')})`,
      );
    }
  }
  const merged = { ...READAPT_DEFAULTS, ...options } as Record<string, unknown>;
  const prefixed = <T>(check: () => T): T => {
    try {
      return check();
    } catch (error) {
      if (error instanceof Error) error.message = `readapt: ${error.message}`;
      throw error;
    }
  };
  const learningRate = merged.learningRate;
  if (typeof learningRate !== 'number' || !(learningRate > 0) || learningRate > 10) {
    throw new UsageError(
      `readapt: learningRate must be a number in (0, 10], got ${String(learningRate)}`,
    );
  }
  return {
    attack: oneOf('attack', merged.attack, READAPT_ATTACKS),
    strategy: oneOf('strategy', merged.strategy, READAPT_STRATEGIES),
    epsilon: prefixed(() => checkNumberInRange('epsilon', merged.epsilon, 0, 1e6)),
    stepSize: prefixed(() =>
      checkNumberInRange('stepSize', merged.stepSize, Number.MIN_VALUE, 1e6),
    ),
    steps: prefixed(() => checkInteger('steps', merged.steps, 1)),
    blocks: prefixed(() => checkInteger('blocks', merged.blocks, 1)),
    epochs: prefixed(() => checkInteger('epochs', merged.epochs, 1)),
    learningRate,
    optimizer: oneOf('optimizer', merged.optimizer, OPTIMIZER_NAMES),
    batchSize: prefixed(() => checkInteger('batchSize', merged.batchSize, 1)),
    samples: prefixed(() => checkInteger('samples', merged.samples, 1)),
    seed: prefixed(() => checkInteger('seed', merged.seed, 0)),
  };
}
