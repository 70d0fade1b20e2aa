import * as tf from '@tensorflow/tfjs';
import { isUsageError } from '@neusemslice/core';
import { ArrayDataset } from '@neusemslice/core/testing';
import { evaluateModel } from './evaluate-model';

/** logits = [x0, x1, x2, -10]: predicts the largest input, never class 3. */
function argmaxModel(): tf.LayersModel {
  const input = tf.input({ shape: [3] });
  const layer = tf.layers.dense({ units: 4, name: 'logits' });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  const kernel = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
  ];
  layer.setWeights([tf.tensor2d(kernel), tf.tensor1d([0, 0, 0, -10])]);
  return model;
}

function dataset(samples: number[][], labels: number[]): ArrayDataset {
  return new ArrayDataset(
    'fixture',
    Float32Array.from(samples.flat()),
    Int32Array.from(labels),
    [3],
    4,
  );
}

describe('evaluateModel', () => {
  it('streams accuracy, loss, per-class accuracy and the confusion matrix over batches', async () => {
    const model = argmaxModel();
    const data = dataset(
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [0, 1, 0],
        [1, 0, 0],
      ],
      [0, 0, 2, 1, 2],
    );
    const tensorsBefore = tf.memory().numTensors;
    const report = await evaluateModel(model, data, { batchSize: 2 });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(report.samples).toBe(5);
    expect(report.accuracy).toBeCloseTo(3 / 5, 12);
    expect(report.perClassAccuracy.slice(0, 3)).toEqual([1 / 2, 1, 1 / 2]);
    expect(report.perClassAccuracy[3]).toBeNaN();
    expect(report.confusion).toEqual([
      [1, 1, 0, 0],
      [0, 1, 0, 0],
      [1, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    // Softmax over [1, 0, 0, -10] (up to order): right class p = e/Z, wrong class p = 1/Z.
    const z = Math.E + 2 + Math.exp(-10);
    const expectedLoss = (3 * (Math.log(z) - 1) + 2 * Math.log(z)) / 5;
    expect(report.loss).toBeCloseTo(expectedLoss, 5);
    model.dispose();
  });

  it('rejects labels outside the model’s classes and data of another shape', async () => {
    const model = argmaxModel();
    const badLabel = await evaluateModel(model, dataset([[1, 0, 0]], [7])).catch(
      (error: Error) => error,
    );
    expect(isUsageError(badLabel)).toBe(true);
    expect((badLabel as Error).message).toMatch(/label 7.*0 … 3/);
    const otherShape = new ArrayDataset('wide', new Float32Array(4), Int32Array.from([0]), [4], 4);
    const shapeError = await evaluateModel(model, otherShape).catch((error: Error) => error);
    expect((shapeError as Error).message).toMatch(
      /'wide' \(samples \[4\], 4 classes\) does not fit/,
    );
    model.dispose();
  });
});
