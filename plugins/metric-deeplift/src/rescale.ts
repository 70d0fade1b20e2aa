import * as tf from '@tensorflow/tfjs';

/** Below this |z − z₀| the Rescale multiplier is replaced by the plain derivative (Captum's eps). */
export const RESCALE_EPSILON = 1e-10;

/**
 * y = g(z) whose backward pass uses DeepLIFT's Rescale rule: dy · (g(z) − g(z₀)) / (z − z₀),
 * with z₀, y₀ = g(z₀) the values on the reference input (broadcast over the batch). Where
 * |z − z₀| < RESCALE_EPSILON the gradient is the plain dy · g'(z), as in Captum.
 *
 * tfjs cannot take a gradient inside a custom gradient, so g'(z) comes from the tape: the custom
 * op takes both z and the ordinary (taped) y = g(z), returns y, and sends dy to the y input where
 * z is near z₀ (autodiff then applies g') and dy · Rescale ratio to the z input elsewhere.
 */
export function rescaled(
  z: tf.Tensor,
  reference: { preActivation: tf.Tensor; activation: tf.Tensor },
  g: (z: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  const withRescaleGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [zIn, yIn] = args as [tf.Tensor, tf.Tensor];
    const save = args[2] as tf.GradSaveFunc;
    // Only inputs are saved (tfjs counts any other tensor kept by a custom op as a leak).
    save([zIn, yIn]);
    const gradFunc = (dy: tf.Tensor, [zSaved, ySaved]: tf.Tensor[]): tf.Tensor[] => {
      const deltaIn = tf.sub(zSaved, reference.preActivation);
      const near = tf.less(tf.abs(deltaIn), RESCALE_EPSILON);
      // Divide by 1 where the difference is too small; those entries take g'(z) instead.
      const safeDeltaIn = tf.where(near, tf.onesLike(deltaIn), deltaIn);
      const ratio = tf.where(
        near,
        tf.zerosLike(deltaIn),
        tf.div(tf.sub(ySaved, reference.activation), safeDeltaIn),
      );
      return [tf.mul(dy, ratio), tf.mul(dy, tf.cast(near, dy.dtype))];
    };
    return { value: yIn.clone(), gradFunc };
  });
  return withRescaleGradient(z, g(z));
}
