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
 * Projected Gradient Descent (Madry et al. 2017) under L∞: a uniform random start in the ε-ball
 * (seeded; `randomStart: false` starts at x), then `steps` steps of size α along the sign of the
 * input gradient, each followed by projection to the ε-ball and the input range. Defaults (SPEC §4,
 * MNIST/FMNIST): α = 0.01, 40 steps; pass ε = 8/255, α = 2/255 for CIFAR-10.
 */
export class PgdAttack implements Attack {
  readonly name = 'pgd';
  readonly description =
    'Projected Gradient Descent: random start, steps of size α, projection to the ε-ball';

  perturb(model: NeuronModel, x: tf.Tensor, labels: Int32Array, options: AttackOptions): tf.Tensor {
    const settings = resolveAttackOptions('pgd', options, { randomStart: true });
    model.checkInput(x);
    if (settings.epsilon === 0) return tf.clone(x);
    const { epsilon, inputRange, stepSize, masks } = settings;
    let current = tf.tidy(() =>
      settings.randomStart
        ? projectToBall(
            tf.add(x, tf.randomUniform(x.shape, -epsilon, epsilon, 'float32', settings.seed)),
            x,
            epsilon,
            inputRange,
          )
        : tf.clone(x),
    );
    for (let step = 0; step < settings.steps; step++) {
      const next = tf.tidy(() => {
        const gradient = inputGradient(model, current, labels, masks);
        const stepped = tf.add(current, tf.mul(tf.sign(gradient), stepSize));
        return projectToBall(stepped, x, epsilon, inputRange);
      });
      current.dispose();
      current = next;
    }
    return current;
  }
}
