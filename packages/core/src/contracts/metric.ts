import type { LabeledDataset } from '../data/labeled-dataset';
import type { NeuronModel } from '../model/neuron-model';
import type { ProgressListener } from '../progress';

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
