import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import { seededRandom } from '@neusemslice/core/testing';
import { layerAttributions, type MultiplierRule } from './layer-attributions';
import { ZeroReference } from './zero-reference';

/**
 * Summation to delta (Shrikumar et al. 2017, §3.1): with the Rescale rule at every nonlinearity
 * above a layer, the attributions of that layer's neurons sum, per sample, to
 * logit_c(x) − logit_c(x₀). This holds only for DeepLIFT, not for gradient × Δ.
 */

/** An MLP with a different elementwise nonlinearity in each place the splitter handles. */
function mixedActivationMlp(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.randomNormal({ mean: 0, stddev: 0.8, seed });
  const input = tf.input({ shape: [5] });
  let x = tf.layers
    .dense({
      units: 6,
      activation: 'relu',
      name: 'fc1',
      kernelInitializer: init(1),
      biasInitializer: init(2),
    })
    .apply(input);
  x = tf.layers
    .dense({ units: 5, name: 'fc2', kernelInitializer: init(3), biasInitializer: init(4) })
    .apply(x);
  x = tf.layers.activation({ activation: 'tanh', name: 'tanh2' }).apply(x);
  x = tf.layers
    .dense({
      units: 5,
      activation: 'sigmoid',
      name: 'fc3',
      kernelInitializer: init(5),
      biasInitializer: init(6),
    })
    .apply(x);
  x = tf.layers.leakyReLU({ alpha: 0.2, name: 'leaky3' }).apply(x);
  x = tf.layers
    .dense({
      units: 4,
      activation: 'elu',
      name: 'fc4',
      kernelInitializer: init(7),
      biasInitializer: init(8),
    })
    .apply(x);
  x = tf.layers
    .dense({
      units: 4,
      activation: 'relu',
      name: 'fc5',
      kernelInitializer: init(9),
      biasInitializer: init(10),
    })
    .apply(x);
  const logits = tf.layers
    .dense({ units: 3, name: 'logits', kernelInitializer: init(11) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'mixed_mlp' });
}

/** A CNN of conv → batch-norm → ReLU layer → average pooling → conv(elu) → flatten → dense: no max-pooling. */
function cnnWithoutMaxPooling(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 2] });
  let x = tf.layers
    .conv2d({
      filters: 3,
      kernelSize: 3,
      padding: 'same',
      name: 'conv1',
      kernelInitializer: tf.initializers.heNormal({ seed: 21 }),
      biasInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed: 22 }),
    })
    .apply(input);
  x = tf.layers
    .batchNormalization({
      name: 'bn1',
      betaInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed: 23 }),
      movingMeanInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed: 24 }),
    })
    .apply(x);
  x = tf.layers.reLU({ name: 'relu1' }).apply(x);
  x = tf.layers.averagePooling2d({ poolSize: 2, name: 'pool1' }).apply(x);
  x = tf.layers
    .conv2d({
      filters: 4,
      kernelSize: 2,
      activation: 'elu',
      name: 'conv2',
      kernelInitializer: tf.initializers.heNormal({ seed: 25 }),
      biasInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed: 26 }),
    })
    .apply(x);
  x = tf.layers.flatten({ name: 'flatten' }).apply(x);
  x = tf.layers
    .dense({
      units: 5,
      activation: 'relu',
      name: 'fc1',
      kernelInitializer: tf.initializers.glorotNormal({ seed: 27 }),
      biasInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed: 28 }),
    })
    .apply(x);
  const logits = tf.layers
    .dense({
      units: 3,
      name: 'logits',
      kernelInitializer: tf.initializers.glorotNormal({ seed: 29 }),
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'cnn_no_maxpool' });
}

interface Gaps {
  /** Largest |Σ_n attribution − Δlogit| over samples and layers. */
  largest: number;
  /** Smallest |Δlogit| over samples: the check means nothing when the logit barely moves. */
  smallestDelta: number;
}

function completenessGaps(
  keras: tf.LayersModel,
  inputs: tf.Tensor,
  targets: Int32Array,
  rule: MultiplierRule,
): Gaps {
  const model = new NeuronModel(keras);
  const reference = ZeroReference.record(model);
  const attributions = layerAttributions(model, inputs, targets, reference, rule);
  const logitsTensor = model.logits(inputs);
  const logits = logitsTensor.arraySync();
  logitsTensor.dispose();
  const baselineLogits = reference.logits.arraySync()[0];
  const deltas = Array.from(
    targets,
    (target, sample) => logits[sample][target] - baselineLogits[target],
  );
  let largest = 0;
  for (const layer of model.neuronLayers) {
    const rows = attributions[layer.name].arraySync();
    rows.forEach((row, sample) => {
      const total = row.reduce((sum, value) => sum + value, 0);
      largest = Math.max(largest, Math.abs(total - deltas[sample]));
    });
  }
  tf.dispose(Object.values(attributions));
  reference.dispose();
  return { largest, smallestDelta: Math.min(...deltas.map(Math.abs)) };
}

function randomTargets(count: number, classes: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  return Int32Array.from({ length: count }, () => Math.floor(random() * classes));
}

describe('DeepLIFT summation to delta', () => {
  const mlp = mixedActivationMlp();
  const cnn = cnnWithoutMaxPooling();
  const mlpInputs = tf.randomNormal([16, 5], 0, 1.5, 'float32', 31);
  const cnnInputs = tf.randomUniform([6, 6, 6, 2], -1, 1, 'float32', 32);

  afterAll(() => tf.dispose([mlpInputs, cnnInputs]));

  it('holds for every layer of an MLP with relu, tanh, sigmoid, leaky-ReLU and elu', () => {
    const gaps = completenessGaps(mlp, mlpInputs, randomTargets(16, 3, 33), 'rescale');
    expect(gaps.smallestDelta).toBeGreaterThan(1e-3);
    expect(gaps.largest).toBeLessThan(1e-4);
  });

  it('holds for every layer of a CNN with batch-norm and average pooling (conv maps summed over space)', () => {
    const gaps = completenessGaps(cnn, cnnInputs, randomTargets(6, 3, 34), 'rescale');
    expect(gaps.smallestDelta).toBeGreaterThan(1e-3);
    expect(gaps.largest).toBeLessThan(1e-4);
  });

  it('fails for gradient × Δ on the same MLP, so the check has teeth', () => {
    const gaps = completenessGaps(mlp, mlpInputs, randomTargets(16, 3, 33), 'gradient');
    expect(gaps.largest).toBeGreaterThan(1e-2);
  });

  it('leaves no tensor behind', () => {
    const targets = randomTargets(16, 3, 35);
    completenessGaps(mlp, mlpInputs, targets, 'rescale');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) completenessGaps(mlp, mlpInputs, targets, 'rescale');
    expect(tf.memory().numTensors).toBe(before);
  });
});
