import * as tf from '@tensorflow/tfjs';
import {
  activateWasm,
  computeOn,
  expectCloseTo,
  liveCounts,
  randomValues,
} from './__fixtures__/compare-backends';

/** conv 3x3 stride 1 → conv 3x3 stride 2 'same' → flatten → dense softmax, seeded. */
function makeSmallCnn(classes: number): tf.Sequential {
  const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: seeded(1),
      }),
      tf.layers.conv2d({
        filters: 6,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: seeded(2),
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: seeded(3) }),
    ],
  });
}

/** Images whose class sets which quadrant is bright, plus noise. */
function quadrantImages(samples: number, classes: number) {
  const noise = randomValues(samples * 64, 42);
  const images = new Float32Array(samples * 64);
  const labels = new Int32Array(samples);
  for (let s = 0; s < samples; s++) {
    const label = s % classes;
    labels[s] = label;
    for (let row = 0; row < 8; row++) {
      for (let col = 0; col < 8; col++) {
        const quadrant = (row < 4 ? 0 : 2) + (col < 4 ? 0 : 1);
        const index = s * 64 + row * 8 + col;
        images[index] = (quadrant === label ? 1 : 0) + 0.3 * noise[index];
      }
    }
  }
  return { images, labels };
}

/**
 * Runs `body` without the per-kernel leak check tfjs does in IS_TEST mode. That check counts the
 * copies a customGrad op (softmaxCrossEntropy, fused matMul with a bias) keeps for backprop as
 * leaked buffers, on the cpu backend and with the stock wasm kernels alike; real leaks are
 * caught by the step-over-step count at the end of this file.
 */
async function withoutTfjsLeakCheck<T>(body: () => Promise<T>): Promise<T> {
  tf.env().set('IS_TEST', false);
  try {
    return await body();
  } finally {
    tf.env().set('IS_TEST', true);
  }
}

beforeAll(activateWasm);

describe('training on wasm', () => {
  it('trains a small CNN with model.fit: the loss goes down', async () => {
    await tf.setBackend('wasm');
    const classes = 4;
    const { images, labels } = quadrantImages(64, classes);
    const model = makeSmallCnn(classes);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const xs = tf.tensor4d(images, [64, 8, 8, 1]);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), classes);
    const history = await withoutTfjsLeakCheck(() =>
      model.fit(xs, ys, { epochs: 8, batchSize: 16, shuffle: false, verbose: 0 }),
    );
    const losses = history.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]).toBeLessThan(0.6 * losses[0]);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('computes the same CNN gradients as the cpu backend', async () => {
    const classes = 3;
    const { images, labels } = quadrantImages(6, classes);
    const gradientsOn = async (backendName: string) => {
      await tf.setBackend(backendName);
      const model = makeSmallCnn(classes);
      const result = await computeOn(backendName, () => {
        const { grads } = tf.variableGrads(
          () =>
            tf.losses.softmaxCrossEntropy(
              tf.oneHot(tf.tensor1d(labels, 'int32'), classes),
              model.apply(tf.tensor4d(images, [6, 8, 8, 1])) as tf.Tensor,
            ) as tf.Scalar,
        );
        return tf.concat(
          Object.keys(grads)
            .sort()
            .map((name) => grads[name].flatten()),
        );
      });
      model.dispose();
      return result;
    };
    const expected = await withoutTfjsLeakCheck(() => gradientsOn('cpu'));
    expectCloseTo(await withoutTfjsLeakCheck(() => gradientsOn('wasm')), expected);
  });

  it('trains an MLP for a few SGD steps to the same weights as the cpu backend', async () => {
    const x = randomValues(48 * 20, 7);
    const labels = Int32Array.from({ length: 48 }, (_, i) => (i * 7) % 5);
    const trainOn = async (backendName: string) => {
      await tf.setBackend(backendName);
      const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
      const model = tf.sequential({
        layers: [
          tf.layers.dense({
            inputShape: [20],
            units: 64,
            activation: 'relu',
            kernelInitializer: seeded(4),
            biasInitializer: 'ones',
          }),
          tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: seeded(5) }),
          tf.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: seeded(6) }),
        ],
      });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
      const xs = tf.tensor2d(x, [48, 20]);
      const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 5);
      await model.fit(xs, ys, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
      const weights = await computeOn(backendName, () =>
        tf.concat(model.getWeights().map((w) => w.flatten())),
      );
      tf.dispose([xs, ys]);
      model.dispose();
      return weights;
    };
    const expected = await withoutTfjsLeakCheck(() => trainOn('cpu'));
    expectCloseTo(await withoutTfjsLeakCheck(() => trainOn('wasm')), expected);
  });

  it('trains a LeNet-shaped CNN (conv, max-pool, conv, max-pool, dense) to the same weights as the cpu backend', async () => {
    const samples = 16;
    const images = randomValues(samples * 12 * 12, 21).map((value) => Math.abs(value));
    const labels = Int32Array.from({ length: samples }, (_, i) => (i * 5) % 4);
    const trainOn = async (backendName: string) => {
      await tf.setBackend(backendName);
      const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [12, 12, 1],
            filters: 3,
            kernelSize: 5,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: seeded(31),
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({
            filters: 4,
            kernelSize: 3,
            activation: 'relu',
            kernelInitializer: seeded(32),
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: seeded(33) }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      const xs = tf.tensor4d(images, [samples, 12, 12, 1]);
      const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);
      const history = await model.fit(xs, ys, {
        epochs: 2,
        batchSize: 8,
        shuffle: false,
        verbose: 0,
      });
      const weights = await computeOn(backendName, () =>
        tf.concat(model.getWeights().map((w) => w.flatten())),
      );
      tf.dispose([xs, ys]);
      model.dispose();
      return { weights, losses: history.history.loss as number[] };
    };
    const expected = await withoutTfjsLeakCheck(() => trainOn('cpu'));
    const actual = await withoutTfjsLeakCheck(() => trainOn('wasm'));
    // Four Adam steps through both conv gradients and both pooling gradients.
    expectCloseTo(actual.weights, expected.weights);
    actual.losses.forEach((loss, epoch) => expect(loss).toBeCloseTo(expected.losses[epoch], 4));
  });

  it('does not grow the number of tensors or wasm buffers over training steps', async () => {
    await tf.setBackend('wasm');
    const model = makeSmallCnn(2);
    const optimizer = tf.train.sgd(0.05);
    const { images, labels } = quadrantImages(8, 2);
    const xs = tf.tensor4d(images, [8, 8, 8, 1]);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
    const step = () =>
      optimizer
        .minimize(
          () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar,
          true,
        )
        ?.dispose();
    await withoutTfjsLeakCheck(async () => {
      step();
      const before = liveCounts();
      for (let i = 0; i < 4; i++) step();
      expect(liveCounts()).toEqual(before);
    });
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  });
});
