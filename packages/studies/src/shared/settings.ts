import type { DatasetName } from '@neusemslice/data';
import type { ModelName } from '@neusemslice/models';
import { UsageError } from '@neusemslice/core';

/** One model–data set pair of the paper's evaluation (§5.1), with how we train it. */
export interface StudySetting {
  /** Stable id used in file names and on the command line, e.g. `mlp-mnist`. */
  id: string;
  /** Label in tables, as the paper writes it, e.g. `MLP-MNIST`. */
  label: string;
  model: ModelName;
  dataset: DatasetName;
  /** Training of the original model: Adam, these epochs, batch and learning rate. */
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/** The settings we can run on any machine (CIFAR-10 and ImageNet need the user's data). */
export const STUDY_SETTINGS: readonly StudySetting[] = [
  {
    id: 'mlp-mnist',
    label: 'MLP-MNIST',
    model: 'mlp',
    dataset: 'mnist',
    epochs: 3,
    batchSize: 128,
    learningRate: 0.001,
  },
  {
    id: 'mlp-fashion-mnist',
    label: 'MLP-FMNIST',
    model: 'mlp',
    dataset: 'fashion-mnist',
    epochs: 5,
    batchSize: 128,
    learningRate: 0.001,
  },
  {
    id: 'lenet5-fashion-mnist',
    label: 'LeNet5-FMNIST',
    model: 'lenet5',
    dataset: 'fashion-mnist',
    epochs: 3,
    batchSize: 128,
    learningRate: 0.001,
  },
];

/** The setting with that id; the error lists the known ids. */
export function studySetting(id: string): StudySetting {
  const found = STUDY_SETTINGS.find((setting) => setting.id === id);
  if (!found) {
    throw new UsageError(
      `unknown setting '${id}' (expected ${STUDY_SETTINGS.map((setting) => setting.id).join(' | ')})`,
    );
  }
  return found;
}

/** Parses a comma-separated list of setting ids. */
export function parseSettings(list: string): StudySetting[] {
  const ids = list
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  if (ids.length === 0) throw new UsageError('settings: give at least one setting id');
  return ids.map(studySetting);
}
