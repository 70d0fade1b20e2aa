import * as tf from '@tensorflow/tfjs';
import type { AttackOptions } from '../contracts/attack';
import { UsageError } from '../errors';
import type { NeuronMasks } from '../model/neuron-model';

/** Attack options with every default filled in, as an attack uses them. */
export interface ResolvedAttackOptions {
  epsilon: number;
  stepSize: number;
  steps: number;
  randomStart: boolean;
  inputRange: readonly [number, number];
  seed: number;
  masks?: NeuronMasks;
}

/** SPEC §4 defaults for MNIST / Fashion-MNIST (inputs in [0, 1]). */
export const MNIST_ATTACK_DEFAULTS = { epsilon: 0.3, stepSize: 0.01, steps: 40 } as const;
/** SPEC §4 defaults for CIFAR-10 (inputs in [0, 1]). */
export const CIFAR_ATTACK_DEFAULTS = { epsilon: 8 / 255, stepSize: 2 / 255, steps: 40 } as const;

const KNOWN_OPTIONS = new Set([
  'epsilon',
  'stepSize',
  'steps',
  'randomStart',
  'inputRange',
  'seed',
  'masks',
]);

/**
 * Checks an attack's options on entry and fills in the defaults (step size 0.01, 40 steps, input
 * range [0, 1], seed 0; `randomStart` as the attack says). Every error is a UsageError that names
 * the attack, the option, its value and what is allowed.
 */
export function resolveAttackOptions(
  attackName: string,
  options: AttackOptions,
  defaults: { randomStart: boolean },
): ResolvedAttackOptions {
  if (typeof options !== 'object' || options === null) {
    throw new UsageError(`${attackName}: options must be an object, got ${String(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new UsageError(
        `${attackName}: unknown option '${name}' (known: ${[...KNOWN_OPTIONS].join(', ')})`,
      );
    }
  }
  const { epsilon } = options;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new UsageError(`${attackName}: epsilon must be a number ≥ 0, got ${String(epsilon)}`);
  }
  const stepSize = options.stepSize ?? MNIST_ATTACK_DEFAULTS.stepSize;
  if (typeof stepSize !== 'number' || !Number.isFinite(stepSize) || stepSize <= 0) {
    throw new UsageError(`${attackName}: stepSize must be a number > 0, got ${String(stepSize)}`);
  }
  const steps = options.steps ?? MNIST_ATTACK_DEFAULTS.steps;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1) {
    throw new UsageError(`${attackName}: steps must be an integer ≥ 1, got ${String(steps)}`);
  }
  const randomStart = options.randomStart ?? defaults.randomStart;
  if (typeof randomStart !== 'boolean') {
    throw new UsageError(
      `${attackName}: randomStart must be true or false, got ${String(randomStart)}`,
    );
  }
  const inputRange = options.inputRange ?? ([0, 1] as const);
  if (
    !Array.isArray(inputRange) ||
    inputRange.length !== 2 ||
    !inputRange.every((bound) => typeof bound === 'number' && Number.isFinite(bound)) ||
    !(inputRange[0] < inputRange[1])
  ) {
    throw new UsageError(
      `${attackName}: inputRange must be [low, high] with low < high, got ${JSON.stringify(inputRange)}`,
    );
  }
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) {
    throw new UsageError(`${attackName}: seed must be an integer ≥ 0, got ${String(seed)}`);
  }
  return {
    epsilon,
    stepSize,
    steps,
    randomStart,
    inputRange: [inputRange[0], inputRange[1]],
    seed,
    masks: options.masks,
  };
}

/**
 * Projects `candidate` onto the L∞ ball of radius ε around `x` and then onto the input range.
 * Since x lies in the range, the result satisfies both. Call inside `tf.tidy`.
 */
export function projectToBall(
  candidate: tf.Tensor,
  x: tf.Tensor,
  epsilon: number,
  inputRange: readonly [number, number],
): tf.Tensor {
  const inBall = tf.minimum(tf.maximum(candidate, tf.sub(x, epsilon)), tf.add(x, epsilon));
  return tf.clipByValue(inBall, inputRange[0], inputRange[1]);
}
