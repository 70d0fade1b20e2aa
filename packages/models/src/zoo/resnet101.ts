import type * as tf from '@tensorflow/tfjs';
import type { ZooBuildOptions } from './model-options';
import { buildResnet } from './resnet';

/** ResNet-101, CIFAR variant: bottleneck blocks, 3-4-23-3 per stage (the paper's CIFAR-10 ResNet). */
export function buildResnet101(options: ZooBuildOptions): tf.LayersModel {
  return buildResnet(
    { modelName: 'resnet101', block: 'bottleneck', blocksPerStage: [3, 4, 23, 3] },
    options,
  );
}
