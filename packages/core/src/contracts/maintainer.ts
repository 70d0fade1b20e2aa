import type * as tf from '@tensorflow/tfjs';
import type { LabeledDataset } from '../data/labeled-dataset';
import type { NeuronModel } from '../model/neuron-model';
import type { ProgressListener } from '../progress';
import type { Slice } from '../slice/slice';
import type { ComponentKind, ComponentTypes } from './tokens';

/**
 * Finds another component by kind and name in the container the maintainer runs in (the
 * restructure maintainer asks for `('pruner', 'lamp')`). Throws a UsageError listing the
 * registered names when there is none.
 */
export type ComponentLookup = <K extends ComponentKind>(kind: K, name: string) => ComponentTypes[K];

export interface MaintenanceRequest {
  model: NeuronModel;
  /** The slice the task is built on; checked against `model` by the maintainer. */
  slice: Slice;
  /** Data for the maintenance task (fine-tuning, repair or new-task data). */
  trainData: LabeledDataset;
  testData?: LabeledDataset;
  /** The maintainer's own options, checked on entry (unknown names are errors). */
  options: Record<string, unknown>;
  /** Collaborators by name (pruners, attacks, slicers, metrics) from the same container. */
  components: ComponentLookup;
  onProgress?: ProgressListener;
}

export interface MaintenanceReport {
  /** Named figures of the task, e.g. { compressionRate: 0.8, testAccuracy: 0.97 }. */
  figures: Record<string, number>;
  /**
   * The maintained model, when the task makes a new one (restructure, re-adapt, incremental).
   * It is the caller's: dispose it when done. Absent when the task changed `request.model` in place.
   */
  model?: tf.LayersModel;
  /** Where outputs (models, reports) were written, if anywhere. */
  outputs?: Record<string, string>;
  /** Anything else a report needs (per-iteration history, per-task figures), JSON-serialisable. */
  details?: Record<string, unknown>;
}

/** A maintenance task built on a slice (paper §4): restructure, re-adapt, incremental. */
export interface Maintainer {
  readonly name: string;
  readonly description: string;
  maintain(request: MaintenanceRequest): Promise<MaintenanceReport>;
}
