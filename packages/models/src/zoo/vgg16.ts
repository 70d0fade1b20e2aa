import type * as tf from '@tensorflow/tfjs';
import type { ZooBuildOptions } from './model-options';
import { buildVgg } from './vgg';

/** VGG-16's 13 convolutions (configuration D), by block. */
export const VGG16_FILTERS = [
  [64, 64],
  [128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [512, 512, 512],
] as const;

/** VGG-16 with batch-norm, CIFAR variant: 13 conv + 3 dense layers. */
export function buildVgg16(options: ZooBuildOptions): tf.LayersModel {
  return buildVgg('vgg16', VGG16_FILTERS, options);
}
