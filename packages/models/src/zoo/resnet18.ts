import type * as tf from '@tensorflow/tfjs';
import type { ZooBuildOptions } from './model-options';
import { buildResnet } from './resnet';

/** ResNet-18, CIFAR variant: basic blocks, two per stage. */
export function buildResnet18(options: ZooBuildOptions): tf.LayersModel {
  return buildResnet(
    { modelName: 'resnet18', block: 'basic', blocksPerStage: [2, 2, 2, 2] },
    options,
  );
}
