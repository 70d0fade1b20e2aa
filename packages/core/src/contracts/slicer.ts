import type { LabeledDataset } from '../data/labeled-dataset';
import type { NeuronModel } from '../model/neuron-model';
import type { ProgressListener } from '../progress';
import type { WorkerPool } from '../parallel/worker-pool';
import type { Slice } from '../slice/slice';
import type { Metric } from './metric';

export interface SliceRequest {
  model: NeuronModel;
  /** The samples to slice on (typically a seeded per-class subset of the training set). */
  data: LabeledDataset;
  /** The contribution metric that ranks neurons. Slicers call it, never test its class. */
  metric: Metric;
  /** Slicer-specific options (e.g. `{ theta: 0.95 }` or `{ keepRatio: 0.3 }`), checked on entry. */
  options: Record<string, unknown>;
  batchSize?: number;
  onProgress?: ProgressListener;
  /**
   * Threads in all, the main thread included, for slicers that share their per-category passes
   * among worker threads (the semantic slicer); 1 keeps everything in the main thread. Default:
   * one per core, capped by the data size. The slice does not depend on it.
   */
  workers?: number;
  /** Plugin modules each worker registers (backend and metric); see `ParallelOptions`. */
  workerPlugins?: readonly string[];
  /**
   * Worker threads started ahead (`startWorkerPool`) and kept across calls, used instead of
   * launching workers for this call; its plugins and backend then apply, and the default
   * `workers` is its thread count. The caller closes it.
   */
  workerPool?: WorkerPool;
}

/**
 * A neuron selection strategy (paper §3): picks the critical neurons Ω of every neuron layer.
 */
export interface Slicer {
  readonly name: string;
  readonly description: string;
  /** The option a sweep varies, e.g. `theta` or `keepRatio`. */
  readonly sweepOption?: string;
  slice(request: SliceRequest): Promise<Slice>;
  /**
   * Optional: one slice per value of `sweepOption`, sharing the expensive work (metric scores,
   * Gram matrices) between them. Used by studies that draw accuracy/compression curves.
   */
  sweep?(request: SliceRequest, values: readonly number[]): Promise<Slice[]>;
}
