import * as tf from '@tensorflow/tfjs';
import { isUsageError, type ProgressEvent } from '@neusemslice/core';
import { makeSeparableDataset } from '@neusemslice/core/testing';
import { createModel } from '../zoo/registry';
import { evaluateModel } from './evaluate-model';
import { OPTIMIZER_NAMES, trainModel } from './train-model';

const INPUT_SHAPE = [6, 6, 1];
const NUM_CLASSES = 4;

/** 160 training and 80 test samples around the same class prototypes. */
function separableSplits() {
  const all = makeSeparableDataset({
    noise: 0.5,
    samplesPerClass: 60,
    numClasses: NUM_CLASSES,
    inputShape: INPUT_SHAPE,
    seed: 11,
  });
  const range = (start: number, end: number) =>
    Int32Array.from({ length: end - start }, (_, index) => start + index);
  return { train: all.subset(range(0, 160), 'train'), test: all.subset(range(160, 240), 'test') };
}

/** The paper's MLP at 1/16 width (32-16 hidden units): fast on the cpu backend. */
function smallMlp(seed = 1): tf.LayersModel {
  return createModel('mlp', {
    inputShape: INPUT_SHAPE,
    numClasses: NUM_CLASSES,
    seed,
    widthScale: 1 / 16,
  });
}

function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((weight) => weight.dataSync() as Float32Array);
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

describe('trainModel', () => {
  it('trains the MLP to high accuracy on separable data, with a history and validation figures', async () => {
    const { train, test } = separableSplits();
    const model = smallMlp();
    const before = await evaluateModel(model, test);
    const history = await trainModel(model, train, {
      epochs: 6,
      batchSize: 16,
      learningRate: 0.01,
      seed: 1,
      validation: test,
    });
    const after = await evaluateModel(model, test);
    expect(before.accuracy).toBeLessThan(0.6);
    expect(after.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(history.epochs.map((record) => record.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.epochs[5].loss).toBeLessThan(history.epochs[0].loss);
    expect(history.epochs[5].validationAccuracy).toBeCloseTo(after.accuracy, 10);
    expect(history.epochs[5].validationLoss).toBeCloseTo(after.loss, 5);
    expect(history.epochs.every((record) => record.samplesPerSecond > 0)).toBe(true);
    model.dispose();
  });

  it('leaves no tensor behind, within a run and after it (every optimizer)', async () => {
    const { train, test } = separableSplits();
    for (const optimizer of OPTIMIZER_NAMES) {
      const model = smallMlp();
      const tensorsBefore = tf.memory().numTensors;
      const tensorsAtEpochEnd: number[] = [];
      await trainModel(model, train, {
        epochs: 3,
        batchSize: 32,
        learningRate: 0.01,
        optimizer,
        seed: 1,
        validation: test,
        onEpochEnd: () => tensorsAtEpochEnd.push(tf.memory().numTensors),
      });
      expect(new Set(tensorsAtEpochEnd).size).toBe(1);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      model.dispose();
    }
  });

  it('is reproducible: same seeds give bit-identical weights, another shuffling seed does not', async () => {
    const { train } = separableSplits();
    const trainedWeights = async (shuffleSeed: number) => {
      const model = smallMlp(5);
      await trainModel(model, train, {
        epochs: 2,
        batchSize: 16,
        learningRate: 0.01,
        seed: shuffleSeed,
      });
      const weights = weightValues(model);
      model.dispose();
      return weights;
    };
    const first = await trainedWeights(1);
    const second = await trainedWeights(1);
    const reshuffled = await trainedWeights(2);
    first.forEach((values, index) => expect(sameBits(values, second[index])).toBe(true));
    expect(sameBits(first[0], reshuffled[0])).toBe(false);
  });

  it('reports progress every few batches and at the end of each epoch', async () => {
    const { train } = separableSplits();
    const model = smallMlp();
    const events: ProgressEvent[] = [];
    await trainModel(model, train, {
      epochs: 2,
      batchSize: 16,
      learningRate: 0.01,
      seed: 1,
      progressEveryBatches: 4,
      onProgress: (event) => events.push(event),
    });
    // 10 batches per epoch: after batches 4 and 8, then at the epoch's end.
    expect(events.map((event) => event.done)).toEqual([64, 128, 160, 224, 288, 320]);
    expect(events.every((event) => event.task === 'train' && event.total === 320)).toBe(true);
    const last = events[events.length - 1];
    expect(last.figures).toMatchObject({ epoch: 2 });
    expect(Object.keys(last.figures ?? {})).toEqual(
      expect.arrayContaining(['loss', 'accuracy', 'samplesPerSecond']),
    );
    expect(last.etaSeconds).toBe(0);
    expect(events[0].etaSeconds).toBeGreaterThan(0);
    model.dispose();
  });

  it.each(OPTIMIZER_NAMES)(
    'multiplies gradients by the caller’s masks, asked for by stable weight name (%s)',
    async (optimizer) => {
      const { train } = separableSplits();
      const model = smallMlp();
      const fc1Kernel = model.getLayer('fc1').getWeights()[0];
      const units = fc1Kernel.shape[1] as number;
      // Freeze fc1's first 5 neurons: their kernel columns get a zero gradient.
      const columnMask = tf.tensor1d(
        Array.from({ length: units }, (_, unit) => (unit < 5 ? 0 : 1)),
      );
      const askedNames = new Set<string>();
      const initial = fc1Kernel.arraySync() as number[][];
      await trainModel(model, train, {
        epochs: 2,
        batchSize: 16,
        learningRate: 0.01,
        optimizer,
        seed: 1,
        gradientMask: (name) => {
          askedNames.add(name);
          return name === 'fc1/kernel' ? columnMask : undefined;
        },
      });
      expect([...askedNames].sort()).toEqual([
        'fc1/bias',
        'fc1/kernel',
        'fc2/bias',
        'fc2/kernel',
        'logits/bias',
        'logits/kernel',
      ]);
      const trained = model.getLayer('fc1').getWeights()[0].arraySync() as number[][];
      const frozenColumnsKept = initial.every((row, input) =>
        row.slice(0, 5).every((value, unit) => trained[input][unit] === value),
      );
      const otherColumnsMoved = initial.some((row, input) =>
        row.slice(5).some((value, unit) => trained[input][unit + 5] !== value),
      );
      expect(frozenColumnsKept).toBe(true);
      expect(otherColumnsMoved).toBe(true);
      expect(columnMask.isDisposed).toBe(false);
      columnMask.dispose();
      model.dispose();
    },
  );

  it('updates only the given trainableVariables', async () => {
    const { train } = separableSplits();
    const model = smallMlp();
    const logitsWeights = model
      .getLayer('logits')
      .weights.map((weight) => weight.read() as tf.Variable);
    const before = weightValues(model);
    await trainModel(model, train, {
      epochs: 1,
      batchSize: 16,
      learningRate: 0.01,
      seed: 1,
      trainableVariables: logitsWeights,
    });
    const after = weightValues(model);
    const names = model.weights.map((weight) => weight.originalName);
    names.forEach((name, index) => {
      expect([name, sameBits(before[index], after[index])]).toEqual([
        name,
        !name.startsWith('logits/'),
      ]);
    });
    model.dispose();
  });

  it('trains a batch-norm ResNet; freezeBatchNorm keeps the moving statistics', async () => {
    const data = makeSeparableDataset({
      noise: 0.5,
      samplesPerClass: 4,
      numClasses: 2,
      inputShape: [8, 8, 3],
      seed: 3,
    });
    const model = createModel('resnet18', {
      inputShape: [8, 8, 3],
      numClasses: 2,
      seed: 1,
      widthScale: 1 / 16,
    });
    const movingMean = () => model.getLayer('bn1').getWeights()[2].dataSync() as Float32Array;
    const initialMean = movingMean().slice();
    const tensorsBefore = tf.memory().numTensors;
    await trainModel(model, data, {
      epochs: 1,
      batchSize: 4,
      learningRate: 0.01,
      seed: 1,
      freezeBatchNorm: true,
    });
    expect(sameBits(movingMean(), initialMean)).toBe(true);
    const history = await trainModel(model, data, {
      epochs: 1,
      batchSize: 4,
      learningRate: 0.01,
      seed: 1,
    });
    expect(sameBits(movingMean(), initialMean)).toBe(false);
    expect(Number.isFinite(history.epochs[0].loss)).toBe(true);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    model.dispose();
  });

  it('rejects bad options and data that do not fit, naming the input', async () => {
    const { train } = separableSplits();
    const model = smallMlp();
    const base = { epochs: 1, batchSize: 16, learningRate: 0.01, seed: 1 };
    const rejection = async (promise: Promise<unknown>) =>
      promise.then(
        () => new Error('resolved'),
        (error: Error) => error,
      );
    const wrongShape = makeSeparableDataset({
      noise: 0.5,
      samplesPerClass: 2,
      numClasses: NUM_CLASSES,
      inputShape: [5, 5, 1],
      seed: 1,
    });
    const errors = [
      await rejection(trainModel(model, train, { ...base, optimizer: 'rmsprop' as 'adam' })),
      await rejection(trainModel(model, train, { ...base, epochs: 0 })),
      await rejection(trainModel(model, train, { ...base, learningRate: -1 })),
      await rejection(trainModel(model, wrongShape, base)),
    ];
    expect(errors.every(isUsageError)).toBe(true);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining("'rmsprop'"),
      expect.stringContaining('epochs'),
      expect.stringContaining('learningRate'),
      expect.stringContaining('[5, 5, 1]'),
    ]);
    const tensorsBefore = tf.memory().numTensors;
    const badMask = tf.ones([3]);
    const maskError = await rejection(
      trainModel(model, train, {
        ...base,
        gradientMask: (name) => (name === 'fc2/kernel' ? badMask : undefined),
      }),
    );
    expect(maskError.message).toMatch(/fc2\/kernel.*\[3\].*\[32, 16\]/);
    badMask.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    model.dispose();
  });
});
