import * as tf from '@tensorflow/tfjs';
import { UsageError } from '../errors';
import {
  checkSupportedModel,
  consumersByLayer,
  isNeuronLayerClass,
  type Layer,
  neuronOutputLayer,
} from './graph';
import { type ExecutionHooks, executeModel, isSoftmaxLayer } from './graph-executor';
import { fingerprintModel, type ModelFingerprint } from './fingerprint';

export type NeuronLayerKind = 'dense' | 'conv2d';

/** A layer whose outputs are neurons: a Dense layer's units or a Conv2D layer's filters. */
export interface NeuronLayer {
  /** Name of the Dense/Conv2D layer. */
  readonly name: string;
  readonly kind: NeuronLayerKind;
  /** Number of neurons (units or filters). */
  readonly units: number;
  /** Position among the model's neuron layers, input side first. */
  readonly index: number;
  /**
   * Name of the layer whose output is the neurons' post-activation output: the neuron layer
   * itself or the last batch-norm/activation layer that follows it.
   */
  readonly outputLayerName: string;
}

/** 1 keeps a neuron, 0 silences it; one entry per neuron, for any subset of neuron layers. */
export type NeuronMasks = Record<string, ArrayLike<number>>;

/** What a gradient is taken of. */
export type GradientObjective =
  /** Mean softmax cross-entropy of the logits against these labels. */
  | { kind: 'cross-entropy'; labels: Int32Array }
  /** Sum over the batch of one class's logit, so each sample's gradient is its own. */
  | { kind: 'logit'; classIndex: number };

export interface NeuronGradients {
  /** Post-activation outputs per neuron layer: [B, N] for dense, [B, H, W, C] for conv. */
  outputs: Record<string, tf.Tensor>;
  /** Gradient of the objective with respect to those outputs, same shapes. */
  gradients: Record<string, tf.Tensor>;
  /** Value of the objective on the batch. */
  objective: number;
}

/**
 * Mean softmax cross-entropy. Written out with logSoftmax because tfjs's fused
 * softmaxCrossEntropy leaks a tensor inside gradients (its custom gradient keeps one).
 */
export function crossEntropyFromLogits(logits: tf.Tensor, oneHotLabels: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHotLabels, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

/**
 * A view of a tfjs LayersModel as layers of neurons (SPEC §1). It never copies the model: masks
 * act on layer outputs while the graph is executed, so the weights stay untouched.
 */
export class NeuronModel {
  readonly neuronLayers: readonly NeuronLayer[];
  /** Name of the layer that produces the logits (never sliced). */
  readonly logitsLayerName: string;
  readonly numClasses: number;
  readonly inputShape: readonly number[];
  private readonly byName: Map<string, NeuronLayer>;
  private readonly byOutputLayerName: Map<string, NeuronLayer>;
  private cachedFingerprint?: ModelFingerprint;

  constructor(readonly model: tf.LayersModel) {
    checkSupportedModel(model);
    const consumers = consumersByLayer(model);
    let logitsLayer = model.outputs[0].sourceLayer as Layer;
    if (isSoftmaxLayer(logitsLayer)) {
      logitsLayer = (logitsLayer as unknown as { inboundNodes: { inboundLayers: Layer[] }[] })
        .inboundNodes[0].inboundLayers[0];
    }
    this.logitsLayerName = logitsLayer.name;
    const layers: NeuronLayer[] = [];
    for (const layer of model.layers) {
      if (!isNeuronLayerClass(layer) || layer === logitsLayer) continue;
      const kind: NeuronLayerKind = layer.getClassName() === 'Dense' ? 'dense' : 'conv2d';
      const config = layer.getConfig() as { units?: number; filters?: number; dataFormat?: string };
      if (kind === 'conv2d' && config.dataFormat === 'channelsFirst') {
        throw new UsageError(
          `conv layer '${layer.name}' is channelsFirst; only channelsLast models are supported`,
        );
      }
      layers.push({
        name: layer.name,
        kind,
        units: (kind === 'dense' ? config.units : config.filters) as number,
        index: layers.length,
        outputLayerName: neuronOutputLayer(layer, consumers).name,
      });
    }
    if (layers.length === 0) {
      throw new UsageError(
        `model '${model.name}' has no Dense or Conv2D layer before its output layer to slice`,
      );
    }
    this.neuronLayers = layers;
    this.byName = new Map(layers.map((layer) => [layer.name, layer]));
    this.byOutputLayerName = new Map(layers.map((layer) => [layer.outputLayerName, layer]));
    const outputShape = model.outputs[0].shape;
    this.numClasses = outputShape[outputShape.length - 1] as number;
    this.inputShape = model.inputs[0].shape.slice(1) as number[];
  }

  /** The neuron layer with that name; the error lists the model's neuron layers. */
  layer(name: string): NeuronLayer {
    const found = this.byName.get(name);
    if (!found) {
      throw new UsageError(
        `unknown neuron layer '${name}' (this model's neuron layers: ${this.neuronLayers.map((l) => l.name).join(', ')})`,
      );
    }
    return found;
  }

  /** Total number of neurons over all neuron layers. */
  get neuronCount(): number {
    return this.neuronLayers.reduce((sum, layer) => sum + layer.units, 0);
  }

  /** SHA-256 of the topology and of the weights, computed once per weight version. */
  fingerprint(): ModelFingerprint {
    this.cachedFingerprint ??= fingerprintModel(this.model);
    return this.cachedFingerprint;
  }

  /** Call after changing the weights (training) so the fingerprint is recomputed. */
  weightsChanged(): void {
    this.cachedFingerprint = undefined;
  }

  /** Throws a UsageError naming the input unless `x` is a batch of this model's inputs. */
  checkInput(x: tf.Tensor, inputName = 'input batch'): void {
    const expected = this.inputShape;
    const actual = x.shape.slice(1);
    if (actual.length !== expected.length || actual.some((size, axis) => size !== expected[axis])) {
      throw new UsageError(
        `${inputName} has shape [${x.shape.join(', ')}]; model '${this.model.name}' expects [batch, ${expected.join(', ')}]`,
      );
    }
  }

  /** Checks masks name neuron layers of this model and have one entry per neuron. */
  checkMasks(masks: NeuronMasks): void {
    for (const [layerName, mask] of Object.entries(masks)) {
      const layer = this.layer(layerName);
      if (mask.length !== layer.units) {
        throw new UsageError(
          `mask of layer '${layerName}' has ${mask.length} entries; the layer has ${layer.units} neurons`,
        );
      }
    }
  }

  /**
   * Runs the model with optional masks and extra hooks. Returns the logits (softmax skipped).
   * Call inside `tf.tidy`: intermediates are not disposed here.
   */
  run(
    x: tf.Tensor,
    options: {
      masks?: NeuronMasks;
      training?: boolean;
      /** Sees each neuron layer's post-activation output (after masking) and may replace it. */
      onNeuronOutput?: (layer: NeuronLayer, output: tf.Tensor) => tf.Tensor;
      hooks?: ExecutionHooks;
    } = {},
  ): tf.Tensor2D {
    this.checkInput(x);
    const maskTensors = new Map<string, tf.Tensor1D>();
    if (options.masks) {
      this.checkMasks(options.masks);
      for (const [layerName, mask] of Object.entries(options.masks)) {
        maskTensors.set(layerName, tf.tensor1d(Array.from(mask), 'float32'));
      }
    }
    const userAfterLayer = options.hooks?.afterLayer;
    const hooks: ExecutionHooks = {
      applyLayer: options.hooks?.applyLayer,
      afterLayer: (layer, output) => {
        let result = userAfterLayer ? userAfterLayer(layer, output) : output;
        const neuronLayer = this.byOutputLayerName.get(layer.name);
        if (neuronLayer) {
          const mask = maskTensors.get(neuronLayer.name);
          // Channels are the last axis for dense and channels-last conv outputs alike.
          if (mask) result = tf.mul(result, mask);
          if (options.onNeuronOutput) result = options.onNeuronOutput(neuronLayer, result);
        }
        return result;
      },
    };
    return executeModel(this.model, x, hooks, {
      training: options.training,
      logits: true,
    }) as tf.Tensor2D;
  }

  /** Logits of a batch, with optional neuron masks. The caller disposes the result. */
  logits(x: tf.Tensor, masks?: NeuronMasks): tf.Tensor2D {
    return tf.tidy(() => this.run(x, { masks }));
  }

  /**
   * Post-activation neuron outputs of a batch, one [B, N] tensor per neuron layer (conv channels
   * are spatially averaged, SPEC §1), plus the logits. The caller disposes all of them.
   */
  neuronOutputs(
    x: tf.Tensor,
    masks?: NeuronMasks,
  ): { outputs: Record<string, tf.Tensor2D>; logits: tf.Tensor2D } {
    return tf.tidy(() => {
      const outputs: Record<string, tf.Tensor2D> = {};
      const logits = this.run(x, {
        masks,
        onNeuronOutput: (layer, output) => {
          outputs[layer.name] = (
            layer.kind === 'conv2d' ? tf.mean(output, [1, 2]) : output
          ) as tf.Tensor2D;
          return output;
        },
      });
      return { outputs, logits };
    });
  }

  /**
   * Post-activation outputs of every neuron layer (full conv maps) and the gradient of an
   * objective with respect to them, for one batch. The caller disposes the tensors.
   */
  neuronGradients(
    x: tf.Tensor,
    objective: GradientObjective,
    masks?: NeuronMasks,
  ): NeuronGradients {
    if (objective.kind === 'cross-entropy' && objective.labels.length !== x.shape[0]) {
      throw new UsageError(
        `labels has ${objective.labels.length} entries for a batch of ${x.shape[0]}`,
      );
    }
    if (objective.kind === 'logit') this.checkClass(objective.classIndex);
    const batchSize = x.shape[0];
    // A zero probe is added to each neuron output; the gradient with respect to the probe is the
    // gradient with respect to the output, which tfjs cannot take of an intermediate directly.
    const probes = this.neuronLayers.map((layer) => {
      const shape = this.model.getLayer(layer.outputLayerName).outputShape as (number | null)[];
      return tf.zeros([batchSize, ...(shape.slice(1) as number[])]);
    });
    const outputs: Record<string, tf.Tensor> = {};
    const objectiveOf = (...probeValues: tf.Tensor[]): tf.Scalar => {
      const logits = this.run(x, {
        masks,
        onNeuronOutput: (layer, output) => {
          const probed = tf.add(output, probeValues[layer.index]);
          outputs[layer.name] = tf.keep(output.clone());
          return probed;
        },
      });
      if (objective.kind === 'cross-entropy') {
        const oneHot = tf.oneHot(tf.tensor1d(objective.labels, 'int32'), this.numClasses);
        return crossEntropyFromLogits(logits, oneHot);
      }
      return tf.sum(tf.slice(logits, [0, objective.classIndex], [-1, 1])) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(objectiveOf)(probes);
    tf.dispose(probes);
    const gradients: Record<string, tf.Tensor> = {};
    this.neuronLayers.forEach((layer, index) => {
      gradients[layer.name] = grads[index];
    });
    const objectiveValue = value.dataSync()[0];
    value.dispose();
    return { outputs, gradients, objective: objectiveValue };
  }

  /** Throws a UsageError unless `classIndex` is a class of this model. */
  checkClass(classIndex: number, inputName = 'class'): void {
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= this.numClasses) {
      throw new UsageError(
        `${inputName} ${classIndex} is not a class of this model (expected 0 … ${this.numClasses - 1})`,
      );
    }
  }
}
