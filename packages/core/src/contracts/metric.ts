import type * as tf from '@tensorflow/tfjs';
import type { LabeledDataset } from '../data/labeled-dataset';
import type { NeuronModel } from '../model/neuron-model';
import type { ProgressListener } from '../progress';

/**
 * Receives one batch's raw neuron-layer outputs from a metric's own forward pass (see
 * `MetricOptions.onNeuronOutputs`): layer name → post-activation output, [B, units] for a dense
 * layer and the whole map [B, H, W, channels] for a conv layer. The tensors are only valid during
 * the call: the metric disposes them afterwards, so keep what you need as your own tensors or
 * typed arrays.
 */
export type NeuronOutputsListener = (
  outputs: Record<string, tf.Tensor>,
  batch: { size: number },
) => void;

/** One score per neuron, for every neuron layer, keyed by layer name. */
export type ScoresPerLayer = Record<string, Float64Array>;

export interface MetricOptions {
  /** Samples per batch of the single streaming pass. */
  batchSize: number;
  /**
   * The category the scores are for, when `data` holds one category only (category-wise and
   * semantic slicing). Metrics that need a target logit (DeepLIFT) use it; without it they use
   * each sample's own label.
   */
  category?: number;
  onProgress?: ProgressListener;
  /**
   * Optional: a metric that runs the model forward on each batch of `data` may hand that batch's
   * raw neuron-layer outputs (no mask or gate effect: the values of an unmasked forward pass, up
   * to float32 rounding: a forward under a gradient tape does not fuse bias and activation into
   * the matrix product) to this listener, exactly once per batch, in batch order, covering every
   * sample of `data`. Callers that need the outputs too (semantic slicing's Gram products) then
   * save a second pass. A metric without a plain forward pass ignores it; callers count
   * `batch.size` and fall back to their own pass when fewer than `data.size` samples arrived.
   */
  onNeuronOutputs?: NeuronOutputsListener;
}

/**
 * A neuron contribution metric (paper §2.3): scores every neuron of every neuron layer of a model
 * on a data set. Higher means more critical. Implementations stream over `data` in batches and
 * keep O(neurons) memory per layer.
 */
export interface Metric {
  /** Name users pick it by, e.g. `taylor`. */
  readonly name: string;
  /** One line for `--help` and reports. */
  readonly description: string;
  score(model: NeuronModel, data: LabeledDataset, options: MetricOptions): Promise<ScoresPerLayer>;
}
