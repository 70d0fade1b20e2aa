import * as tf from '@tensorflow/tfjs';
import type { NeuronModel, NeuronOutputsListener } from '@neusemslice/core';

/**
 * ∂L/∂g_n for one batch, for every neuron n of every neuron layer: the gradient of L, the mean
 * softmax cross-entropy of the batch on its true labels, with respect to a gate g_n = 1 that
 * multiplies the neuron's post-activation output a_n. By the chain rule it is Σ over the batch
 * and, for a conv channel, over space of a_n · ∂L/∂a_n: what `GateLayer.weight.grad` holds in
 * NVlabs/Taylor_pruning (method 22). Computed in float32; one entry per neuron, per layer name.
 * `onNeuronOutputs`, when given, sees the forward pass's raw outputs a_n before they are disposed.
 */
export function gateGradients(
  model: NeuronModel,
  x: tf.Tensor,
  labels: Int32Array,
  onNeuronOutputs?: NeuronOutputsListener,
): Record<string, Float32Array> {
  const { outputs, gradients } = model.neuronGradients(x, { kind: 'cross-entropy', labels });
  try {
    const perLayer: Record<string, Float32Array> = {};
    for (const layer of model.neuronLayers) {
      const gateGradient = tf.tidy(() => {
        const product = tf.mul(outputs[layer.name], gradients[layer.name]);
        // Channels are the last axis of dense [B, N] and channels-last conv [B, H, W, C] alike.
        const allButChannels = product.shape.slice(0, -1).map((_, axis) => axis);
        return tf.sum(product, allButChannels);
      });
      perLayer[layer.name] = gateGradient.dataSync() as Float32Array;
      gateGradient.dispose();
    }
    onNeuronOutputs?.(outputs, { size: labels.length });
    return perLayer;
  } finally {
    tf.dispose([...Object.values(outputs), ...Object.values(gradients)]);
  }
}
