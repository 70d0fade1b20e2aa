import type * as tf from '@tensorflow/tfjs';
import type { NeuronMasks, NeuronModel } from '../model/neuron-model';

/** Options every attack takes; each attack documents which it uses and its defaults. */
export interface AttackOptions {
  /** Radius of the L∞ ball around each input (≥ 0), in input units. */
  epsilon: number;
  /** Step size α of iterative attacks (PGD); FGSM ignores it. */
  stepSize?: number;
  /** Iterations of iterative attacks (integer ≥ 1); FGSM ignores it. */
  steps?: number;
  /** Start from a uniform random point of the ε-ball (PGD); default true for PGD. */
  randomStart?: boolean;
  /** The valid input range the result is clipped to; default [0, 1]. */
  inputRange?: readonly [number, number];
  /** Seeds the random start, so a run can be repeated (integer ≥ 0). */
  seed?: number;
  /** Attack the masked sub-network instead of the whole model. */
  masks?: NeuronMasks;
}

/** An adversarial attack (FGSM, PGD) that perturbs inputs to raise the model's loss. */
export interface Attack {
  /** Name users pick it by, e.g. `pgd`. */
  readonly name: string;
  readonly description: string;
  /**
   * Adversarial versions of a batch `x` (same shape) against the cross-entropy of `labels`:
   * every entry within `epsilon` of `x` and inside `inputRange`. The caller disposes the result;
   * nothing else is left behind.
   */
  perturb(model: NeuronModel, x: tf.Tensor, labels: Int32Array, options: AttackOptions): tf.Tensor;
}
