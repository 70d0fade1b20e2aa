import * as tf from '@tensorflow/tfjs';
import type { LabeledBatch } from '@neusemslice/core';
import { makeSeparableDataset } from '@neusemslice/core/testing';
import { createModel } from '../zoo/registry';
import { type ExtraLoss, trainModel, type TrainOptions } from './train-model';

const INPUT_SHAPE = [4, 4, 1];
const NUM_CLASSES = 3;

const data = () =>
  makeSeparableDataset({
    samplesPerClass: 8,
    numClasses: NUM_CLASSES,
    inputShape: INPUT_SHAPE,
    seed: 5,
  });

/** The paper's MLP at 1/32 width (16-8 hidden units): fast on the cpu backend. */
const smallMlp = () =>
  createModel('mlp', {
    inputShape: INPUT_SHAPE,
    numClasses: NUM_CLASSES,
    seed: 3,
    widthScale: 1 / 32,
  });

const options: TrainOptions = { epochs: 2, batchSize: 8, learningRate: 0.01, seed: 1 };

function kernelNorm(model: tf.LayersModel): number {
  return tf.tidy(() => tf.norm(model.getLayer('fc1').getWeights()[0]).dataSync()[0]);
}

describe('trainModel with an extraLoss', () => {
  it('disposes the prepared tensors after each step and leaks nothing', async () => {
    const model = smallMlp();
    const prepared: tf.Tensor[] = [];
    const extraLoss: ExtraLoss = {
      prepare: (batch: LabeledBatch) => {
        const noisy = tf.tidy(() => tf.add(batch.x, 0.1));
        prepared.push(noisy);
        return [noisy];
      },
      loss: ({ model: trained, prepared: [noisy], oneHot, logits, training }) => {
        // The context is what the hook needs: one-hot labels and logits of the batch.
        expect(oneHot.shape).toEqual(logits.shape);
        expect(training).toBe(true);
        return tf.mean(tf.square(trained.apply(noisy) as tf.Tensor)) as tf.Scalar;
      },
    };
    await trainModel(model, data(), { ...options, extraLoss });
    const tensorsBefore = tf.memory().numTensors;
    await trainModel(model, data(), { ...options, extraLoss });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(prepared.length).toBe(2 * 2 * 3); // 2 runs × 2 epochs × 3 batches
    expect(prepared.every((tensor) => tensor.isDisposed)).toBe(true);
    model.dispose();
  });

  it('adds the term to the reported loss (a constant term changes no weight)', async () => {
    const plain = smallMlp();
    const shifted = smallMlp();
    const constant: ExtraLoss = { loss: () => tf.scalar(5) };
    const plainHistory = await trainModel(plain, data(), options);
    const shiftedHistory = await trainModel(shifted, data(), { ...options, extraLoss: constant });
    shiftedHistory.epochs.forEach((record, index) => {
      expect(record.loss).toBeCloseTo(plainHistory.epochs[index].loss + 5, 4);
    });
    const plainWeights = plain.getWeights().map((weight) => Array.from(weight.dataSync()));
    const shiftedWeights = shifted.getWeights().map((weight) => Array.from(weight.dataSync()));
    expect(shiftedWeights).toEqual(plainWeights);
    plain.dispose();
    shifted.dispose();
  });

  it("lets the term's gradient reach the weights (an L2 penalty shrinks the kernel)", async () => {
    const plain = smallMlp();
    const penalised = smallMlp();
    const l2: ExtraLoss = {
      loss: ({ model }) =>
        tf.mul(tf.sum(tf.square(model.getLayer('fc1').getWeights()[0])), 10) as tf.Scalar,
    };
    await trainModel(plain, data(), options);
    await trainModel(penalised, data(), { ...options, extraLoss: l2 });
    expect(kernelNorm(penalised)).toBeLessThan(0.9 * kernelNorm(plain));
    plain.dispose();
    penalised.dispose();
  });
});
