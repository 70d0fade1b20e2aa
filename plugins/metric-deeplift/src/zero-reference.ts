import * as tf from '@tensorflow/tfjs';
import type { NeuronModel } from '@neusemslice/core';
import { splitNonlinearity } from './nonlinearity';

/** What a layer's nonlinearity saw and gave on the reference input. */
export interface NonlinearityReference {
  /** z₀: the nonlinearity's input, [1, …]. */
  preActivation: tf.Tensor;
  /** y₀ = g(z₀): its output, [1, …]. */
  activation: tf.Tensor;
}

/**
 * The DeepLIFT reference pass on the baseline x₀ = 0: every nonlinearity's input and output and
 * every neuron layer's post-activation output, each for one sample ([1, …]) so it broadcasts
 * over any batch. The baseline is the same for every sample, so it is run once per scoring.
 * Holds tensors: call `dispose()` when done.
 */
export class ZeroReference {
  private constructor(
    private readonly nonlinearities: Map<string, NonlinearityReference>,
    /** a_n(x₀) per neuron layer: [1, N] for dense, [1, H, W, C] for conv. */
    readonly neuronOutputs: Readonly<Record<string, tf.Tensor>>,
    /** Logits on x₀, [1, classes]. */
    readonly logits: tf.Tensor2D,
  ) {}

  static record(model: NeuronModel): ZeroReference {
    const nonlinearities = new Map<string, NonlinearityReference>();
    const neuronOutputs: Record<string, tf.Tensor> = {};
    const kept: tf.Tensor[] = [];
    const keep = <T extends tf.Tensor>(tensor: T): T => {
      kept.push(tensor);
      return tf.keep(tensor);
    };
    try {
      const logits = tf.tidy(() => {
        const baseline = tf.zeros([1, ...model.inputShape]);
        return model.run(baseline, {
          hooks: {
            applyLayer: (layer, input, training) => {
              const split = splitNonlinearity(layer, input, training);
              if (!split) return undefined;
              const activation = split.nonlinearity(split.preActivation);
              nonlinearities.set(layer.name, {
                preActivation: keep(split.preActivation.clone()),
                activation: keep(activation.clone()),
              });
              return activation;
            },
          },
          onNeuronOutput: (layer, output) => {
            neuronOutputs[layer.name] = keep(output.clone());
            return output;
          },
        });
      });
      return new ZeroReference(nonlinearities, neuronOutputs, logits);
    } catch (error) {
      tf.dispose(kept);
      throw error;
    }
  }

  /** z₀ and g(z₀) of a layer's nonlinearity. */
  nonlinearity(layerName: string): NonlinearityReference {
    const found = this.nonlinearities.get(layerName);
    if (!found)
      throw new Error(`no reference recorded for the nonlinearity of layer '${layerName}'`);
    return found;
  }

  /** a_n(x₀) of a neuron layer. */
  neuronOutput(layerName: string): tf.Tensor {
    const found = this.neuronOutputs[layerName];
    if (!found) throw new Error(`no reference output recorded for neuron layer '${layerName}'`);
    return found;
  }

  dispose(): void {
    for (const { preActivation, activation } of this.nonlinearities.values())
      tf.dispose([preActivation, activation]);
    tf.dispose(Object.values(this.neuronOutputs));
    this.logits.dispose();
  }
}
