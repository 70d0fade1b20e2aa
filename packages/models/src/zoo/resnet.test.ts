import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import { describeModel } from '../describe-model';
import { createModel } from './registry';

/** ResNet-101 takes ~40 s to initialise and run under jest; run it with NEUSEMSLICE_FULL_ZOO_TESTS=1. */
const fullSize = process.env.NEUSEMSLICE_FULL_ZOO_TESTS === '1' ? it : it.skip;

function trainableParameters(model: tf.LayersModel): number {
  return describeModel(model).trainableParameters;
}

function countClasses(model: tf.LayersModel, className: string): number {
  return model.layers.filter((layer) => layer.getClassName() === className).length;
}

describe('resnet18', () => {
  it('matches the CIFAR ResNet-18 of kuangliu/pytorch-cifar (11,173,962 trainable parameters) and runs one image', () => {
    const model = createModel('resnet18', { numClasses: 10, seed: 1 });
    expect(trainableParameters(model)).toBe(11_173_962);
    expect(countClasses(model, 'Add')).toBe(8);
    expect(countClasses(model, 'Conv2D')).toBe(1 + 8 * 2 + 3); // stem, blocks, 3 projection shortcuts
    expect(model.getLayer('avgpool').outputShape).toEqual([null, 512]);
    const logits = tf.tidy(() => model.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor);
    expect(logits.shape).toEqual([1, 10]);
    expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
    logits.dispose();
    model.dispose();
  });

  it('projects the shortcut only where the shape changes', () => {
    const model = createModel('resnet18', { numClasses: 10, seed: 1, widthScale: 1 / 16 });
    const names = new Set(model.layers.map((layer) => layer.name));
    expect(names.has('stage1_block1_shortcut_conv')).toBe(false);
    expect(names.has('stage2_block1_shortcut_conv')).toBe(true);
    expect(names.has('stage2_block2_shortcut_conv')).toBe(false);
    expect(model.getLayer('stage2_block1_conv1').outputShape).toEqual([null, 16, 16, 8]);
    const neuronModel = new NeuronModel(model);
    // The block's first conv is read after its ReLU; the second ends at batch-norm (the Add mixes it with the shortcut).
    const outputs = Object.fromEntries(
      neuronModel.neuronLayers.map((layer) => [layer.name, layer.outputLayerName]),
    );
    expect(outputs.stage1_block1_conv1).toBe('stage1_block1_relu1');
    expect(outputs.stage1_block1_conv2).toBe('stage1_block1_bn2');
    model.dispose();
  });
});

describe('resnet101', () => {
  it('has 33 bottleneck blocks (3-4-23-3) with 4x wide outputs, and runs a forward pass', () => {
    const model = createModel('resnet101', { numClasses: 10, seed: 1, widthScale: 1 / 32 });
    expect(countClasses(model, 'Add')).toBe(33);
    // 1 stem + 3 per block + 4 projection shortcuts (stage 1 widens 2 → 8 channels too) + logits = 101 + 4 shortcuts
    expect(countClasses(model, 'Conv2D')).toBe(1 + 33 * 3 + 4);
    expect(model.getLayer('avgpool').outputShape).toEqual([null, 16 * 4]);
    const logits = tf.tidy(() => model.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor);
    expect(logits.shape).toEqual([1, 10]);
    logits.dispose();
    model.dispose();
  });

  fullSize(
    'matches the CIFAR ResNet-101 of kuangliu/pytorch-cifar (42,512,970 trainable parameters)',
    () => {
      const model = createModel('resnet101', { numClasses: 10, seed: 1 });
      expect(trainableParameters(model)).toBe(42_512_970);
      const logits = tf.tidy(() => model.predict(tf.ones([1, 32, 32, 3])) as tf.Tensor);
      expect(logits.shape).toEqual([1, 10]);
      logits.dispose();
      model.dispose();
    },
  );
});
