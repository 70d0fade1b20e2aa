import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatProgress } from '@neusemslice/core';
import { makeSeparableDataset } from '@neusemslice/core/testing';
import {
  createModel,
  describeModel,
  evaluateModel,
  loadModelFromDir,
  saveModelToDir,
  trainModel,
} from './index';

// The README's usage example, on a small synthetic data set and a narrow MLP so it runs in seconds.
it('runs the README example', async () => {
  const all = makeSeparableDataset({
    noise: 0.5,
    samplesPerClass: 40,
    numClasses: 10,
    inputShape: [28, 28, 1],
    seed: 1,
  });
  const train = all.subset(
    Int32Array.from({ length: 300 }, (_, index) => index),
    'train',
  );
  const test = all.subset(
    Int32Array.from({ length: 100 }, (_, index) => 300 + index),
    'test',
  );
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'models-readme-'));
  const lines: string[] = [];
  try {
    const model = createModel('mlp', {
      inputShape: [...train.inputShape],
      numClasses: train.numClasses,
      seed: 1,
      widthScale: 1 / 8,
    });
    const history = await trainModel(model, train, {
      epochs: 3,
      batchSize: 32,
      learningRate: 0.001,
      seed: 1,
      validation: test,
      onProgress: (event) => lines.push(formatProgress(event)),
    });
    const { accuracy, perClassAccuracy, confusion } = await evaluateModel(model, test, {
      batchSize: 512,
    });
    await saveModelToDir(model, path.join(runsDir, 'mlp-mnist'), {
      modelName: 'mlp',
      dataset: 'mnist',
      seed: 1,
      testAccuracy: accuracy,
    });
    const again = await loadModelFromDir(path.join(runsDir, 'mlp-mnist'));
    expect(describeModel(again).totalParameters).toBe(model.countParams());
    expect(history.epochs).toHaveLength(3);
    expect(accuracy).toBeGreaterThan(0.5); // chance is 0.1
    expect(perClassAccuracy).toHaveLength(10);
    expect(confusion).toHaveLength(10);
    expect(lines[lines.length - 1]).toMatch(
      /^train: 900\/900 \(100%\), epoch 3, loss .*validationAccuracy/,
    );
    model.dispose();
    again.dispose();
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
});
