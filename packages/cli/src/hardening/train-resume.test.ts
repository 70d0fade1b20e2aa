import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { TrainOptions } from '@neusemslice/models';
import { runInProcess, snapshotTree } from './cli-harness';

// tfjs's per-kernel leak check misreports fused matmul while gradients are recorded.
tf.env().set('IS_TEST', false);

/** Set to an epoch number to make training die right after that epoch's checkpoint is written. */
let killAfterEpoch: number | undefined;

jest.mock('@neusemslice/models', () => {
  const actual = jest.requireActual('@neusemslice/models');
  return {
    ...actual,
    trainModel: (model: unknown, data: unknown, options: TrainOptions) =>
      actual.trainModel(model, data, {
        ...options,
        onCheckpoint: async (checkpoint: { epochsDone: number }) => {
          await options.onCheckpoint?.(checkpoint as never);
          if (checkpoint.epochsDone === killAfterEpoch) throw new Error('killed (simulated)');
        },
      }),
  };
});

describe('train --resume', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-resume-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const train = (out: string, ...extra: string[]) =>
    runInProcess([
      'train',
      ...['--model', 'mlp', '--dataset', 'mnist', '--epochs', '2', '--train-samples', '300'],
      ...['--batch-size', '64', '--seed', '5', '--backend', 'wasm', '--out', out],
      ...extra,
    ]);

  it('continues a killed run from its last epoch to the weights of an uninterrupted run', async () => {
    const straight = path.join(root, 'straight');
    const straightRun = await train(straight);
    if (straightRun.code !== 0) throw new Error(straightRun.stderr);

    const resumed = path.join(root, 'resumed');
    killAfterEpoch = 1;
    const killed = await train(resumed);
    killAfterEpoch = undefined;
    expect(killed.code).toBe(1);
    // Nothing saved but the checkpoint of epoch 1 (and no lock left by this process).
    expect(Object.keys(snapshotTree(root)).filter((name) => name.startsWith('.resumed'))).toEqual([
      '.resumed.checkpoint/',
      '.resumed.checkpoint/checkpoint.json',
      '.resumed.checkpoint/tensors.bin',
    ]);
    expect(fs.existsSync(resumed)).toBe(false);

    // Other settings than the interrupted run's are refused.
    const otherSeed = await runInProcess([
      'train',
      ...['--model', 'mlp', '--dataset', 'mnist', '--epochs', '2', '--train-samples', '300'],
      ...['--batch-size', '64', '--seed', '6', '--backend', 'wasm', '--out', resumed, '--resume'],
    ]);
    expect(otherSeed.code).toBe(2);
    expect(otherSeed.stderr).toContain(
      '--resume: the interrupted run used other settings (--seed 5)',
    );

    const resumedRun = await train(resumed, '--resume');
    if (resumedRun.code !== 0) throw new Error(resumedRun.stderr);
    expect(resumedRun.stderr).toContain('resuming after epoch 1');
    const weights = (directory: string) => fs.readFileSync(path.join(directory, 'weights.bin'));
    expect(weights(resumed).equals(weights(straight))).toBe(true);
    // The checkpoint is removed once the model is saved.
    expect(fs.existsSync(path.join(root, '.resumed.checkpoint'))).toBe(false);
  }, 120_000);
});
