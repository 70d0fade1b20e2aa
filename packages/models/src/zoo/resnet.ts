import * as tf from '@tensorflow/tfjs';
import { convBn, convBnRelu, logits } from './layer-blocks';
import { scaledWidth, type ZooBuildOptions } from './model-options';
import { SeededInitializers } from './seeded-initializers';

/** The two residual blocks of He et al. 2016: basic (two 3x3) and bottleneck (1x1, 3x3, 1x1 ×4). */
export type ResidualBlockKind = 'basic' | 'bottleneck';

export interface ResnetSpec {
  modelName: string;
  block: ResidualBlockKind;
  /** Blocks in each of the four stages, e.g. [2, 2, 2, 2] for ResNet-18. */
  blocksPerStage: readonly [number, number, number, number];
}

/** Base widths of the four stages; a bottleneck block outputs four times its stage's width. */
const STAGE_WIDTHS = [64, 128, 256, 512] as const;
const BOTTLENECK_EXPANSION = 4;

/**
 * A ResNet for 32x32 images as in the CIFAR re-implementations of He et al.: a 3x3 stem without
 * max-pool, four stages (the first block of stages 2–4 has stride 2), global average pooling,
 * logits. Convolutions have no bias (batch-norm follows each). Block layers are named
 * `stage<s>_block<b>_<conv1|bn1|relu1|…|shortcut_conv|shortcut_bn|add|out>`.
 */
export function buildResnet(spec: ResnetSpec, options: ZooBuildOptions): tf.LayersModel {
  const init = new SeededInitializers(options.seed);
  const input = tf.input({ name: 'input', shape: options.inputShape });
  let x = convBnRelu(
    input,
    { conv: 'conv1', bn: 'bn1', relu: 'relu1' },
    { filters: scaledWidth(64, options), kernelSize: 3, useBias: false },
    init,
  );
  let channels = scaledWidth(64, options);
  spec.blocksPerStage.forEach((blockCount, stageIndex) => {
    for (let blockIndex = 0; blockIndex < blockCount; blockIndex++) {
      const width = scaledWidth(STAGE_WIDTHS[stageIndex], options);
      const block = {
        prefix: `stage${stageIndex + 1}_block${blockIndex + 1}`,
        width,
        strides: stageIndex > 0 && blockIndex === 0 ? 2 : 1,
        inputChannels: channels,
      };
      x = spec.block === 'basic' ? basicBlock(x, block, init) : bottleneckBlock(x, block, init);
      channels = spec.block === 'basic' ? width : width * BOTTLENECK_EXPANSION;
    }
  });
  x = tf.layers.globalAveragePooling2d({ name: 'avgpool' }).apply(x) as tf.SymbolicTensor;
  return tf.model({
    name: spec.modelName,
    inputs: input,
    outputs: logits(x, options.numClasses, init),
  });
}

interface BlockShape {
  prefix: string;
  /** Width of the block's inner convolutions. */
  width: number;
  strides: number;
  inputChannels: number;
}

/** 3x3 conv-BN-ReLU → 3x3 conv-BN, plus the shortcut, then ReLU. */
function basicBlock(
  input: tf.SymbolicTensor,
  block: BlockShape,
  init: SeededInitializers,
): tf.SymbolicTensor {
  const { prefix, width } = block;
  let x = convBnRelu(
    input,
    { conv: `${prefix}_conv1`, bn: `${prefix}_bn1`, relu: `${prefix}_relu1` },
    { filters: width, kernelSize: 3, strides: block.strides, useBias: false },
    init,
  );
  x = convBn(
    x,
    { conv: `${prefix}_conv2`, bn: `${prefix}_bn2` },
    { filters: width, kernelSize: 3, useBias: false },
    init,
  );
  return addShortcut(input, x, block, width, init);
}

/** 1x1 conv-BN-ReLU → 3x3 conv-BN-ReLU (strided) → 1x1 conv-BN (4× wider), plus the shortcut, then ReLU. */
function bottleneckBlock(
  input: tf.SymbolicTensor,
  block: BlockShape,
  init: SeededInitializers,
): tf.SymbolicTensor {
  const { prefix, width } = block;
  let x = convBnRelu(
    input,
    { conv: `${prefix}_conv1`, bn: `${prefix}_bn1`, relu: `${prefix}_relu1` },
    { filters: width, kernelSize: 1, useBias: false },
    init,
  );
  x = convBnRelu(
    x,
    { conv: `${prefix}_conv2`, bn: `${prefix}_bn2`, relu: `${prefix}_relu2` },
    { filters: width, kernelSize: 3, strides: block.strides, useBias: false },
    init,
  );
  x = convBn(
    x,
    { conv: `${prefix}_conv3`, bn: `${prefix}_bn3` },
    { filters: width * BOTTLENECK_EXPANSION, kernelSize: 1, useBias: false },
    init,
  );
  return addShortcut(input, x, block, width * BOTTLENECK_EXPANSION, init);
}

/**
 * Adds the block's input to its residual branch and applies ReLU. The input passes unchanged when
 * its shape already matches; otherwise a strided 1x1 conv-BN projects it (option B of He et al.).
 */
function addShortcut(
  input: tf.SymbolicTensor,
  residual: tf.SymbolicTensor,
  block: BlockShape,
  outputChannels: number,
  init: SeededInitializers,
): tf.SymbolicTensor {
  const { prefix } = block;
  const shortcut =
    block.strides === 1 && block.inputChannels === outputChannels
      ? input
      : convBn(
          input,
          { conv: `${prefix}_shortcut_conv`, bn: `${prefix}_shortcut_bn` },
          { filters: outputChannels, kernelSize: 1, strides: block.strides, useBias: false },
          init,
        );
  const sum = tf.layers.add({ name: `${prefix}_add` }).apply([residual, shortcut]);
  return tf.layers.reLU({ name: `${prefix}_out` }).apply(sum) as tf.SymbolicTensor;
}
