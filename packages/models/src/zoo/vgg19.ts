import type * as tf from '@tensorflow/tfjs';
import type { ZooBuildOptions } from './model-options';
import { buildVgg } from './vgg';

/** VGG-19's 16 convolutions (configuration E), by block. */
export const VGG19_FILTERS = [
  [64, 64],
  [128, 128],
  [256, 256, 256, 256],
  [512, 512, 512, 512],
  [512, 512, 512, 512],
] as const;

/** VGG-19 with batch-norm, CIFAR variant: 16 conv + 3 dense layers. */
export function buildVgg19(options: ZooBuildOptions): tf.LayersModel {
  return buildVgg('vgg19', VGG19_FILTERS, options);
}
