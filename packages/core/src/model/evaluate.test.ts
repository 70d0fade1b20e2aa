import * as tf from '@tensorflow/tfjs';
import { makeSeparableDataset, makeTinyCnn, makeTinyMlp } from '../testing';
import {
  activationFloatsPerSample,
  defaultInferenceBatchSize,
  evaluateAccuracy,
  type AccuracyReport,
} from './evaluate';
import { cloneModel } from './clone-model';
import { NeuronModel, type NeuronMasks } from './neuron-model';

/** Accuracy from one forward pass over the whole set: the meaning evaluateAccuracy must keep. */
function referenceAccuracy(
  model: NeuronModel,
  images: tf.Tensor,
  labels: Int32Array,
  masks?: NeuronMasks,
): AccuracyReport {
  const predicted = tf.tidy(() => tf.argMax(model.logits(images, masks), 1).dataSync());
  const correct = new Array<number>(model.numClasses).fill(0);
  const seen = new Array<number>(model.numClasses).fill(0);
  labels.forEach((label, index) => {
    seen[label]++;
    if (predicted[index] === label) correct[label]++;
  });
  return {
    accuracy: correct.reduce((a, b) => a + b, 0) / labels.length,
    perClassAccuracy: correct.map((count, label) => count / seen[label]),
    samples: labels.length,
  };
}

describe('evaluateAccuracy', () => {
  const data = makeSeparableDataset({
    samplesPerClass: 23,
    numClasses: 3,
    inputShape: [4, 4, 1],
    seed: 3,
    noise: 1.5,
  });
  const [all] = [...data.batches(data.size)];

  afterAll(() => all.x.dispose());

  it.each([
    ['the default batch size', undefined],
    ['batches of 1', 1],
    ['batches of 7 (a short last batch)', 7],
    ['one batch larger than the set', 1000],
  ])('gives the accuracy of one pass over the whole set with %s', async (_label, batchSize) => {
    const model = new NeuronModel(makeTinyMlp({ seed: 5 }));
    const expected = referenceAccuracy(model, all.x, all.labels);
    // Not a trivial model: some samples right, some wrong.
    expect(expected.accuracy).toBeGreaterThan(0);
    expect(expected.accuracy).toBeLessThan(1);
    expect(await evaluateAccuracy(model, data, { batchSize })).toEqual(expected);
  });

  it('applies masks exactly as NeuronModel.logits does, for a CNN too', async () => {
    const cnnData = makeSeparableDataset({
      samplesPerClass: 7,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 4,
      noise: 1,
    });
    const [cnnAll] = [...cnnData.batches(cnnData.size)];
    const cases: [NeuronModel, typeof data, tf.Tensor, Int32Array, NeuronMasks][] = [
      [
        new NeuronModel(makeTinyMlp({ seed: 6 })),
        data,
        all.x,
        all.labels,
        { fc1: [1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1] },
      ],
      [
        new NeuronModel(makeTinyCnn({ seed: 7 })),
        cnnData,
        cnnAll.x,
        cnnAll.labels,
        { conv1: [1, 0, 1, 1], fc1: [0, 1, 1, 1, 1, 0] },
      ],
    ];
    for (const [model, set, images, labels, masks] of cases) {
      const expected = referenceAccuracy(model, images, labels, masks);
      expect(await evaluateAccuracy(model, set, { masks })).toEqual(expected);
      expect(await evaluateAccuracy(model, set, { masks, batchSize: 4 })).toEqual(expected);
    }
    cnnAll.x.dispose();
  });

  it('with maskFill, a masked neuron outputs its fill value, as a neuron wired to that constant does', async () => {
    const model = new NeuronModel(makeTinyMlp({ seed: 9 }));
    const masks: NeuronMasks = { fc1: [1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1] };
    const fill = { fc1: new Float32Array(12).fill(0.25) };
    fill.fc1[2] = 3.5;
    fill.fc1[7] = 1.75;
    // The same model with fc1 neurons 2 and 7 rewired to output their fill whatever the input:
    // zero incoming weights and the fill as bias (relu keeps a positive constant).
    const constant = new NeuronModel(await cloneModel(model.model));
    const fc1 = constant.model.getLayer('fc1');
    const [kernel, bias] = fc1
      .getWeights()
      .map((weight) => weight.arraySync() as number[][] | number[]);
    for (const neuron of [2, 7]) {
      for (const row of kernel as number[][]) row[neuron] = 0;
      (bias as number[])[neuron] = fill.fc1[neuron];
    }
    fc1.setWeights([tf.tensor2d(kernel as number[][]), tf.tensor1d(bias as number[])]);
    const expected = await evaluateAccuracy(constant, data);
    const filled = await evaluateAccuracy(model, data, { masks, maskFill: fill, batchSize: 5 });
    expect(filled).toEqual(expected);
    // Not the same as zero masking on this model, so the fill really acted.
    const zeroed = referenceAccuracy(model, all.x, all.labels, masks);
    const logitsFilled = tf.tidy(() => constant.logits(all.x).dataSync());
    const logitsZeroed = tf.tidy(() => model.logits(all.x, masks).dataSync());
    expect(Array.from(logitsFilled)).not.toEqual(Array.from(logitsZeroed));
    expect(zeroed.samples).toBe(filled.samples);
    constant.model.dispose();
  });

  it('refuses a maskFill without masks or of the wrong length, naming the layer', async () => {
    const model = new NeuronModel(makeTinyMlp({ seed: 10 }));
    await expect(
      evaluateAccuracy(model, data, { maskFill: { fc1: new Float32Array(12) } }),
    ).rejects.toThrow(/maskFill needs masks/);
    await expect(
      evaluateAccuracy(model, data, {
        masks: { fc1: new Array(12).fill(1) },
        maskFill: { fc1: new Float32Array(5) },
      }),
    ).rejects.toThrow(/maskFill of layer 'fc1' has 5 values; its mask has 12/);
  });

  it('leaves no tensors behind', async () => {
    const model = new NeuronModel(makeTinyMlp({ seed: 8 }));
    await evaluateAccuracy(model, data, { batchSize: 10 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await evaluateAccuracy(model, data, {
        batchSize: 10,
        masks: { fc2: [1, 1, 0, 1, 1, 1, 0, 1] },
      });
      await evaluateAccuracy(model, data, {
        batchSize: 10,
        masks: { fc2: [1, 1, 0, 1, 1, 1, 0, 1] },
        maskFill: { fc2: new Float32Array(8).fill(0.5) },
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('defaultInferenceBatchSize', () => {
  it('counts the input and every layer output of one sample', () => {
    // input 4x4x1, flatten 16, fc1 12, fc2 8, logits 3.
    expect(activationFloatsPerSample(makeTinyMlp({ hidden: [12, 8] }))).toBe(16 + 16 + 12 + 8 + 3);
  });

  it('takes the largest batch for small models and fewer samples for models with large layer outputs', () => {
    expect(defaultInferenceBatchSize(makeTinyMlp())).toBe(1024);
    const wide = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 64, kernelSize: 3, padding: 'same' }),
        tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10 }),
      ],
    });
    const perSample = activationFloatsPerSample(wide);
    expect(perSample).toBe(32 * 32 * 3 + 2 * 32 * 32 * 64 + 32 * 32 * 64 + 10);
    const batch = defaultInferenceBatchSize(wide);
    // Within 64 MB of float32 layer outputs.
    expect(batch * perSample * 4).toBeLessThanOrEqual(64 * 2 ** 20);
    expect(batch).toBeGreaterThanOrEqual(32);
    expect(batch).toBeLessThan(256);
    wide.dispose();
  });
});
