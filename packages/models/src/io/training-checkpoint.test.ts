import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { isUsageError } from '@neusemslice/core';
import { makeSeparableDataset } from '@neusemslice/core/testing';
import { type OptimizerName, trainModel } from '../training/train-model';
import { createModel } from '../zoo/registry';
import { loadTrainingCheckpoint, saveTrainingCheckpoint } from './training-checkpoint';

const data = makeSeparableDataset({
  noise: 0.5,
  samplesPerClass: 20,
  numClasses: 3,
  inputShape: [4, 4, 1],
  seed: 4,
});

const tinyMlp = (seed: number) =>
  createModel('mlp', { inputShape: [4, 4, 1], numClasses: 3, seed, widthScale: 1 / 32 });

const weightBytes = (model: tf.LayersModel): string =>
  model.weights
    .map((weight) => Buffer.from((weight.read().dataSync() as Float32Array).buffer).toString('hex'))
    .join('|');

let workDir: string;
beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-'));
});
afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

describe('training checkpoints', () => {
  it.each<OptimizerName>(['adam', 'sgd'])(
    'a run killed after epoch 1 and resumed ends with the weights of an uninterrupted run (%s)',
    async (optimizer) => {
      const options = { epochs: 3, batchSize: 16, learningRate: 0.01, seed: 7, optimizer };
      const straight = tinyMlp(1);
      await trainModel(straight, data, options);

      const checkpointDir = path.join(workDir, 'checkpoint');
      const interrupted = tinyMlp(1);
      const killed = await trainModel(interrupted, data, {
        ...options,
        onCheckpoint: async (checkpoint) => {
          await saveTrainingCheckpoint(checkpointDir, checkpoint, { seed: 7 });
          throw new Error('killed');
        },
      }).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(killed?.message).toBe('killed');
      interrupted.dispose();

      const tensorsBefore = tf.memory().numTensors;
      const { checkpoint, run } = loadTrainingCheckpoint(checkpointDir);
      expect(run).toEqual({ seed: 7 });
      expect(checkpoint.epochsDone).toBe(1);
      // A fresh process builds the model anew (other initial weights) and resumes.
      const resumed = tinyMlp(99);
      const history = await trainModel(resumed, data, { ...options, resumeFrom: checkpoint });
      expect(history.epochs.map((record) => record.epoch)).toEqual([1, 2, 3]);
      expect(weightBytes(resumed)).toBe(weightBytes(straight));
      straight.dispose();
      resumed.dispose();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(tensorsBefore);
    },
  );

  it('refuses a checkpoint of another model or of a finished run', async () => {
    const checkpointDir = path.join(workDir, 'checkpoint');
    const model = tinyMlp(1);
    await trainModel(model, data, {
      epochs: 2,
      batchSize: 16,
      learningRate: 0.01,
      seed: 7,
      onCheckpoint: (checkpoint) => saveTrainingCheckpoint(checkpointDir, checkpoint, {}),
    });
    const { checkpoint } = loadTrainingCheckpoint(checkpointDir);
    const options = { epochs: 2, batchSize: 16, learningRate: 0.01, seed: 7 };
    const finished = await trainModel(model, data, { ...options, resumeFrom: checkpoint }).catch(
      (error: Error) => error,
    );
    expect(isUsageError(finished)).toBe(true);
    expect((finished as Error).message).toMatch(/2 epochs done; expected 1 … 1/);
    const wider = createModel('mlp', {
      inputShape: [4, 4, 1],
      numClasses: 3,
      seed: 1,
      widthScale: 1 / 16,
    });
    const other = await trainModel(wider, data, {
      ...options,
      epochs: 3,
      resumeFrom: checkpoint,
    }).catch((error: Error) => error);
    expect((other as Error).message).toMatch(/weights of another model/);
    model.dispose();
    wider.dispose();
  });

  it('names a truncated checkpoint file', async () => {
    const checkpointDir = path.join(workDir, 'checkpoint');
    const model = tinyMlp(1);
    await trainModel(model, data, {
      epochs: 1,
      batchSize: 16,
      learningRate: 0.01,
      seed: 7,
      onCheckpoint: (checkpoint) => saveTrainingCheckpoint(checkpointDir, checkpoint, {}),
    });
    fs.truncateSync(path.join(checkpointDir, 'tensors.bin'), 10);
    expect(() => loadTrainingCheckpoint(checkpointDir)).toThrow(/tensors\.bin is truncated/);
    expect(() => loadTrainingCheckpoint(path.join(workDir, 'none'))).toThrow(
      /no checkpoint to resume from/,
    );
    model.dispose();
  });
});
