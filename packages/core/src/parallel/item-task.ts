import type { LabeledDataset } from '../data/labeled-dataset';
import type { Metric } from '../contracts/metric';
import type { NeuronModel } from '../model/neuron-model';

/** What one run of an item task sees, in the main thread and in a worker alike. */
export interface ItemContext<Input> {
  model: NeuronModel;
  /** The item's samples, in the item's order. */
  data: LabeledDataset;
  /** The item's category, for per-category items. */
  category?: number;
  /** The metric of the run (resolved by name from the worker's plugins in a worker). */
  metric?: Metric;
  /** The run's own options; structured-cloneable. */
  input: Input;
}

/**
 * A function run once per work item. The same function runs in the main thread and in workers,
 * which load it by `module` (an absolute path, usually the defining file's `__filename`) and
 * `exportName`. Its result must be structured-cloneable (typed arrays, Maps, plain objects).
 */
export interface ItemTask<Input, Result> {
  run: (context: ItemContext<Input>) => Promise<Result>;
  module: string;
  exportName: string;
}
