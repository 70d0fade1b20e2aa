import type * as tf from '@tensorflow/tfjs';
import { UsageError, checkInteger, checkNumberInRange } from '@neusemslice/core';
import { buildAlexnet } from './alexnet';
import { buildLenet5 } from './lenet5';
import { buildMlp } from './mlp';
import type { ZooBuildOptions } from './model-options';
import { buildResnet18 } from './resnet18';
import { buildResnet101 } from './resnet101';
import { buildVgg16 } from './vgg16';
import { buildVgg19 } from './vgg19';

/** Names of the zoo's models, as `createModel` and the CLI accept them. */
export const MODEL_NAMES = [
  'mlp',
  'lenet5',
  'alexnet',
  'vgg16',
  'vgg19',
  'resnet18',
  'resnet101',
] as const;

export type ModelName = (typeof MODEL_NAMES)[number];

export interface ZooEntry {
  readonly name: ModelName;
  /** One line for help texts. */
  readonly summary: string;
  /** Input shape used when `createModel` is given none. */
  readonly defaultInputShape: readonly number[];
  /** Smallest height and width the model accepts (its pooling and strides shrink the image); undefined: any shape. */
  readonly minImageSize?: number;
  readonly build: (options: ZooBuildOptions) => tf.LayersModel;
}

const MNIST_SHAPE = [28, 28, 1] as const;
const CIFAR_SHAPE = [32, 32, 3] as const;

/** The zoo, by name. */
export const MODEL_ZOO: Readonly<Record<ModelName, ZooEntry>> = {
  mlp: {
    name: 'mlp',
    summary: 'MLP 784-512-256-10 of the paper (input flattened, ReLU)',
    defaultInputShape: MNIST_SHAPE,
    build: buildMlp,
  },
  lenet5: {
    name: 'lenet5',
    summary: 'LeNet-5 (conv 6@5x5, conv 16@5x5, dense 120, 84) for 28x28 images',
    defaultInputShape: MNIST_SHAPE,
    minImageSize: 12,
    build: buildLenet5,
  },
  alexnet: {
    name: 'alexnet',
    summary: 'AlexNet scaled to 32x32 images (5 conv, dense 1024, 512)',
    defaultInputShape: CIFAR_SHAPE,
    minImageSize: 8,
    build: buildAlexnet,
  },
  vgg16: {
    name: 'vgg16',
    summary: 'VGG-16 with batch-norm, CIFAR variant (13 conv, dense 512, 512)',
    defaultInputShape: CIFAR_SHAPE,
    minImageSize: 32,
    build: buildVgg16,
  },
  vgg19: {
    name: 'vgg19',
    summary: 'VGG-19 with batch-norm, CIFAR variant (16 conv, dense 512, 512)',
    defaultInputShape: CIFAR_SHAPE,
    minImageSize: 32,
    build: buildVgg19,
  },
  resnet18: {
    name: 'resnet18',
    summary: 'ResNet-18, CIFAR variant (basic blocks 2-2-2-2, global average pooling)',
    defaultInputShape: CIFAR_SHAPE,
    minImageSize: 1,
    build: buildResnet18,
  },
  resnet101: {
    name: 'resnet101',
    summary: 'ResNet-101, CIFAR variant (bottleneck blocks 3-4-23-3, global average pooling)',
    defaultInputShape: CIFAR_SHAPE,
    minImageSize: 1,
    build: buildResnet101,
  },
};

export interface CreateModelOptions {
  /** Shape of one sample without the batch axis; default: the model's (see MODEL_ZOO). */
  inputShape?: readonly number[];
  numClasses: number;
  /** Seed of all initialisers (an integer ≥ 0): the same seed gives bit-identical weights. */
  seed: number;
  /** Multiplies every hidden width; default 1 (the real model). Small values give fast look-alikes for tests. */
  widthScale?: number;
}

/** True when `name` is a zoo model's name. */
export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/**
 * Builds a zoo model with freshly seeded weights. Every model is a tfjs functional LayersModel
 * whose last layer, `logits`, is a linear Dense layer with `numClasses` units.
 */
export function createModel(name: string, options: CreateModelOptions): tf.LayersModel {
  if (!isModelName(name)) {
    throw new UsageError(`unknown model '${name}' (known models: ${MODEL_NAMES.join(', ')})`);
  }
  const entry = MODEL_ZOO[name];
  const inputShape = [...(options.inputShape ?? entry.defaultInputShape)];
  checkInputShape(entry, inputShape);
  return entry.build({
    inputShape,
    numClasses: checkInteger('numClasses', options.numClasses, 2),
    seed: checkInteger('seed', options.seed, 0),
    widthScale: checkNumberInRange('widthScale', options.widthScale ?? 1, 1e-3, 64),
  });
}

function checkInputShape(entry: ZooEntry, inputShape: number[]): void {
  const shapeText = `[${inputShape.join(', ')}]`;
  if (inputShape.length === 0 || inputShape.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new UsageError(`inputShape of ${entry.name} must be positive integers, got ${shapeText}`);
  }
  if (entry.minImageSize === undefined) return;
  if (inputShape.length !== 3) {
    throw new UsageError(
      `inputShape of ${entry.name} must be [height, width, channels], got ${shapeText}`,
    );
  }
  if (inputShape[0] < entry.minImageSize || inputShape[1] < entry.minImageSize) {
    throw new UsageError(
      `inputShape of ${entry.name} must be at least ${entry.minImageSize}x${entry.minImageSize} pixels, got ${shapeText}`,
    );
  }
}
