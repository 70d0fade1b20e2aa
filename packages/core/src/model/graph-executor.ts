import type * as tf from '@tensorflow/tfjs';
import type { Layer } from './graph';

/** The activation object a Dense or Conv2D layer applies inside its call. */
export interface LayerActivation {
  apply(x: tf.Tensor): tf.Tensor;
  getClassName(): string;
}

interface SymbolicTensorLike {
  id: number;
  sourceLayer: Layer;
  inputs: SymbolicTensorLike[];
  callArgs: Record<string, unknown>;
  outputTensorIndex?: number;
}

export interface ExecutionHooks {
  /**
   * Computes a layer in place of its own call, e.g. to replace its nonlinearity. Return
   * undefined to let the layer compute as usual.
   */
  applyLayer?(
    layer: Layer,
    input: tf.Tensor | tf.Tensor[],
    training: boolean,
  ): tf.Tensor | undefined;
  /** Sees each layer's output and may return a replacement (masks, probes, capture). */
  afterLayer?(layer: Layer, output: tf.Tensor): tf.Tensor;
}

const linearActivation: LayerActivation = {
  apply: (x) => x,
  getClassName: () => 'linear',
};

/** The activation of a Dense/Conv2D layer, or undefined for layers without one. */
export function layerActivation(layer: Layer): LayerActivation | undefined {
  return (layer as unknown as { activation?: LayerActivation }).activation;
}

/** Runs `compute` with the layer's built-in activation switched off, then restores it. */
export function withoutActivation<T>(layer: Layer, compute: () => T): T {
  const holder = layer as unknown as { activation?: LayerActivation };
  const activation = holder.activation;
  if (activation === undefined) return compute();
  holder.activation = linearActivation;
  try {
    return compute();
  } finally {
    holder.activation = activation;
  }
}

/** A standalone softmax layer, which the logits of a model are read before. */
export function isSoftmaxLayer(layer: Layer): boolean {
  const className = layer.getClassName();
  return (
    className === 'Softmax' ||
    (className === 'Activation' && layerActivation(layer)?.getClassName() === 'softmax')
  );
}

/**
 * Evaluates a (single-input, single-output) LayersModel on concrete tensors layer by layer,
 * following its symbolic graph, so hooks can see and replace every layer's output. When
 * `logits` is set, a softmax on the output layer is skipped so the result is the logits.
 * Intermediate tensors are not disposed here: call inside `tf.tidy`.
 */
export function executeModel(
  model: tf.LayersModel,
  input: tf.Tensor,
  hooks: ExecutionHooks = {},
  options: { training?: boolean; logits?: boolean } = {},
): tf.Tensor {
  const training = options.training ?? false;
  const outputLayer = model.outputs[0].sourceLayer as Layer;
  const values = new Map<number, tf.Tensor>();
  const modelInput = model.inputs[0] as unknown as SymbolicTensorLike;
  values.set(modelInput.id, input);

  const evaluate = (symbolic: SymbolicTensorLike): tf.Tensor => {
    const known = values.get(symbolic.id);
    if (known) return known;
    const inputs = symbolic.inputs.map(evaluate);
    const layer = symbolic.sourceLayer;
    const layerInput = inputs.length === 1 ? inputs[0] : inputs;
    const compute = (): tf.Tensor => {
      const custom = hooks.applyLayer?.(layer, layerInput, training);
      if (custom) return custom;
      const result = layer.apply(layerInput, { ...symbolic.callArgs, training }) as
        tf.Tensor | tf.Tensor[];
      return Array.isArray(result) ? result[symbolic.outputTensorIndex ?? 0] : result;
    };
    let output: tf.Tensor;
    if (options.logits === true && layer === outputLayer && isSoftmaxLayer(layer)) {
      output = layerInput as tf.Tensor;
    } else if (
      options.logits === true &&
      layer === outputLayer &&
      layerActivation(layer)?.getClassName() === 'softmax'
    ) {
      output = withoutActivation(layer, compute);
    } else {
      output = compute();
    }
    if (hooks.afterLayer) output = hooks.afterLayer(layer, output);
    values.set(symbolic.id, output);
    return output;
  };
  return evaluate(model.outputs[0] as unknown as SymbolicTensorLike);
}
