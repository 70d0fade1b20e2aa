import type { LabeledDataset } from '../data/labeled-dataset';
import type { NeuronModel } from '../model/neuron-model';
import type { ProgressListener } from '../progress';
import type { Slice } from '../slice/slice';

export interface MaintenanceRequest {
  model: NeuronModel;
  slice: Slice;
  /** Data for the maintenance task (fine-tuning, repair or new-task data). */
  trainData: LabeledDataset;
  testData?: LabeledDataset;
  options: Record<string, unknown>;
  onProgress?: ProgressListener;
}

export interface MaintenanceReport {
  /** Named figures of the task, e.g. { compressionRate: 0.8, accuracy: 0.97 }. */
  figures: Record<string, number>;
  /** Where outputs (models, reports) were written, if anywhere. */
  outputs?: Record<string, string>;
}

/** A maintenance task built on a slice (paper §4): restructure, re-adapt, incremental. */
export interface Maintainer {
  readonly name: string;
  readonly description: string;
  maintain(request: MaintenanceRequest): Promise<MaintenanceReport>;
}
