import * as tf from '@tensorflow/tfjs';
import {
  type Attack,
  type AttackOptions,
  inputGradient,
  type NeuronModel,
  projectToBall,
  resolveAttackOptions,
} from '@neusemslice/core';

/**
 * The Fast Gradient Sign Method (Goodfellow et al. 2014): one step of size ε along the sign of
 * the input gradient of the cross-entropy, x' = clip(x + ε·sign ∇ₓCE(x, y)). `stepSize`, `steps`,
 * `randomStart` and `seed` are checked but not used.
 */
export class FgsmAttack implements Attack {
  readonly name = 'fgsm';
  readonly description = 'Fast Gradient Sign Method: x + ε·sign(∇ₓ CE), clipped to the input range';

  perturb(model: NeuronModel, x: tf.Tensor, labels: Int32Array, options: AttackOptions): tf.Tensor {
    const settings = resolveAttackOptions('fgsm', options, { randomStart: false });
    model.checkInput(x);
    if (settings.epsilon === 0) return tf.clone(x);
    return tf.tidy(() => {
      const gradient = inputGradient(model, x, labels, settings.masks);
      const stepped = tf.add(x, tf.mul(tf.sign(gradient), settings.epsilon));
      return projectToBall(stepped, x, settings.epsilon, settings.inputRange);
    });
  }
}
