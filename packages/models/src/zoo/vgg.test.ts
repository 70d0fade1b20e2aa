import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import { describeModel } from '../describe-model';
import { createModel } from './registry';
import { VGG16_FILTERS } from './vgg16';
import { VGG19_FILTERS } from './vgg19';

/** Full-size VGGs take ~10 s each to initialise under jest; run them with NEUSEMSLICE_FULL_ZOO_TESTS=1. */
const fullSize = process.env.NEUSEMSLICE_FULL_ZOO_TESTS === '1' ? it : it.skip;

/** Trainable parameters of the VGG this package builds, counted from its definition. */
function vggTrainableParameters(
  filtersPerBlock: readonly (readonly number[])[],
  scale: number,
  imageSize: number,
  numClasses: number,
): number {
  const width = (reference: number) => Math.max(1, Math.round(reference * scale));
  let inChannels = 3;
  let total = 0;
  for (const block of filtersPerBlock) {
    for (const reference of block) {
      const filters = width(reference);
      total += 3 * 3 * inChannels * filters + filters + 2 * filters; // kernel, bias, BN gamma/beta
      inChannels = filters;
    }
  }
  const flattened = (imageSize / 32) ** 2 * inChannels;
  const hidden = width(512);
  return (
    total +
    flattened * hidden +
    hidden +
    hidden * hidden +
    hidden +
    hidden * numClasses +
    numClasses
  );
}

describe.each([
  ['vgg16', VGG16_FILTERS, 13],
  ['vgg19', VGG19_FILTERS, 16],
] as const)('%s', (name, filters, convCount) => {
  it(`has ${convCount} conv-BN-ReLU layers and 3 dense layers, and runs a forward pass`, () => {
    const model = createModel(name, { numClasses: 10, seed: 1, widthScale: 1 / 16 });
    const classes = model.layers.map((layer) => layer.getClassName());
    expect(classes.filter((className) => className === 'Conv2D')).toHaveLength(convCount);
    expect(classes.filter((className) => className === 'BatchNormalization')).toHaveLength(
      convCount,
    );
    expect(classes.filter((className) => className === 'Dense')).toHaveLength(3);
    expect(model.getLayer('conv1_1')).toBeDefined();
    expect(model.getLayer('pool5').outputShape).toEqual([null, 1, 1, 32]);
    const trainable = describeModel(model).trainableParameters;
    expect(trainable).toBe(vggTrainableParameters(filters, 1 / 16, 32, 10));
    // Each conv channel's output is read after its ReLU.
    const firstConv = new NeuronModel(model).neuronLayers[0];
    expect([firstConv.name, firstConv.outputLayerName]).toEqual(['conv1_1', 'relu1_1']);
    const logits = tf.tidy(
      () => model.predict(tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 3)) as tf.Tensor,
    );
    expect(logits.shape).toEqual([2, 10]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    logits.dispose();
    model.dispose();
  });

  fullSize('builds at full size with the expected parameter count and runs one image', () => {
    const model = createModel(name, { numClasses: 10, seed: 1 });
    const trainable = describeModel(model).trainableParameters;
    expect(trainable).toBe(vggTrainableParameters(filters, 1, 32, 10));
    const logits = tf.tidy(() => model.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor);
    expect(logits.shape).toEqual([1, 10]);
    logits.dispose();
    model.dispose();
  });
});
