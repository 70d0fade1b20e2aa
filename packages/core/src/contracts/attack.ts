import type * as tf from '@tensorflow/tfjs';
import type { NeuronModel } from '../model/neuron-model';

/** An adversarial attack (FGSM, PGD) that perturbs inputs to raise the model's loss. */
export interface Attack {
  readonly name: string;
  readonly description: string;
  /** Returns adversarial inputs of the same shape as `x`; the caller disposes them. */
  perturb(model: NeuronModel, x: tf.Tensor, labels: Int32Array): tf.Tensor;
}
