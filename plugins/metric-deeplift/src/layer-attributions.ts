import * as tf from '@tensorflow/tfjs';
import { type ExecutionHooks, type NeuronModel, UsageError } from '@neusemslice/core';
import { splitNonlinearity } from './nonlinearity';
import { rescaled } from './rescale';
import type { ZeroReference } from './zero-reference';

/**
 * How the multiplier of a neuron output is propagated from the target logit:
 * - `rescale`: DeepLIFT's Rescale rule at every elementwise nonlinearity above the layer;
 * - `gradient`: the plain gradient (gradient × Δactivation, not DeepLIFT).
 */
export type MultiplierRule = 'rescale' | 'gradient';

/** Hooks that give every elementwise nonlinearity the Rescale rule against the reference. */
function rescaleHooks(reference: ZeroReference): ExecutionHooks {
  return {
    applyLayer: (layer, input, training) => {
      const split = splitNonlinearity(layer, input, training);
      if (!split) return undefined;
      return rescaled(split.preActivation, reference.nonlinearity(layer.name), split.nonlinearity);
    },
  };
}

function checkTargets(model: NeuronModel, x: tf.Tensor, targets: Int32Array): void {
  if (targets.length !== x.shape[0]) {
    throw new UsageError(
      `targets has ${targets.length} entries for a batch of ${x.shape[0]} samples; expected one target class per sample`,
    );
  }
  for (const target of targets) model.checkClass(target, 'target class');
}

/**
 * Per-sample attributions of every neuron of every neuron layer to the target logit of each
 * sample: (a_n(x) − a_n(x₀)) × multiplier_n, the multiplier taken by `rule` from the target
 * logit down to the neuron's post-activation output; conv maps are summed over space.
 * Returns one [B, N] tensor per neuron layer; the caller disposes them.
 */
export function layerAttributions(
  model: NeuronModel,
  x: tf.Tensor,
  targets: Int32Array,
  reference: ZeroReference,
  rule: MultiplierRule,
): Record<string, tf.Tensor2D> {
  model.checkInput(x);
  checkTargets(model, x, targets);
  const hooks = rule === 'rescale' ? rescaleHooks(reference) : undefined;
  // Δa of each layer, kept out of the gradient's forward scope (which disposes what it does not return).
  const deltas: Record<string, tf.Tensor> = {};
  try {
    return tf.tidy(() => {
      const batchSize = x.shape[0];
      const targetMask = tf.oneHot(tf.tensor1d(targets, 'int32'), model.numClasses);
      // The gradient with respect to a zero probe added to a neuron output is the gradient with
      // respect to that output, which tfjs cannot take of an intermediate tensor directly.
      const probes = model.neuronLayers.map((layer) =>
        tf.zeros([batchSize, ...reference.neuronOutput(layer.name).shape.slice(1)]),
      );
      const targetLogitSum = (...probeValues: tf.Tensor[]): tf.Scalar => {
        const logits = model.run(x, {
          hooks,
          onNeuronOutput: (layer, output) => {
            deltas[layer.name] = tf.keep(tf.sub(output, reference.neuronOutput(layer.name)));
            return tf.add(output, probeValues[layer.index]);
          },
        });
        return tf.sum(tf.mul(logits, targetMask));
      };
      const { grads } = tf.valueAndGrads(targetLogitSum)(probes);
      const attributions: Record<string, tf.Tensor2D> = {};
      for (const layer of model.neuronLayers) {
        const perElement = tf.mul(deltas[layer.name], grads[layer.index]);
        attributions[layer.name] = (
          layer.kind === 'conv2d' ? tf.sum(perElement, [1, 2]) : perElement
        ) as tf.Tensor2D;
      }
      return attributions;
    });
  } finally {
    tf.dispose(Object.values(deltas));
  }
}
