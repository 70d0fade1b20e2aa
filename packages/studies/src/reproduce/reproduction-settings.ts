import { UsageError } from '@neusemslice/core';
import { STUDY_SETTINGS, type StudySetting } from '../shared/settings';

/**
 * The settings a reproduction may run: the three that run anywhere (STUDY_SETTINGS) and the
 * paper's CIFAR-10 models, which need the user's copy of CIFAR-10 and days of CPU time.
 */

/** The paper's CIFAR-10 settings (§5.1), run only when the data is present. */
export const CIFAR10_STUDY_SETTINGS: readonly StudySetting[] = [
  {
    id: 'alexnet-cifar10',
    label: 'AlexNet-CIFAR10',
    model: 'alexnet',
    dataset: 'cifar10',
    epochs: 20,
    batchSize: 128,
    learningRate: 0.001,
  },
  {
    id: 'vgg16-cifar10',
    label: 'VGG16-CIFAR10',
    model: 'vgg16',
    dataset: 'cifar10',
    epochs: 20,
    batchSize: 128,
    learningRate: 0.001,
  },
  {
    id: 'resnet101-cifar10',
    label: 'ResNet101-CIFAR10',
    model: 'resnet101',
    dataset: 'cifar10',
    epochs: 20,
    batchSize: 128,
    learningRate: 0.001,
  },
];

/** Every setting a reproduction knows. */
export const REPRODUCTION_SETTINGS: readonly StudySetting[] = [
  ...STUDY_SETTINGS,
  ...CIFAR10_STUDY_SETTINGS,
];

/** `mlp-mnist,mlp-fashion-mnist,lenet5-fashion-mnist`: the paper's settings that run anywhere. */
export const DEFAULT_REPRODUCTION_SETTINGS: readonly string[] = STUDY_SETTINGS.map(
  (setting) => setting.id,
);

/** Parses a comma-separated list of setting ids (`cifar10` stands for the three CIFAR-10 ones). */
export function parseReproductionSettings(list: string): StudySetting[] {
  const ids = list
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0)
    .flatMap((id) =>
      id === 'cifar10' ? CIFAR10_STUDY_SETTINGS.map((setting) => setting.id) : [id],
    );
  if (ids.length === 0) throw new UsageError('settings: give at least one setting id');
  const settings = ids.map((id) => {
    const found = REPRODUCTION_SETTINGS.find((setting) => setting.id === id);
    if (!found) {
      throw new UsageError(
        `settings: unknown setting '${id}' (expected ${REPRODUCTION_SETTINGS.map((setting) => setting.id).join(' | ')} | cifar10)`,
      );
    }
    return found;
  });
  return settings.filter((setting, index) => settings.indexOf(setting) === index);
}
