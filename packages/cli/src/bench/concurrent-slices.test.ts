import * as tf from '@tensorflow/tfjs';
import { NeuronModel, resolveBackend, startWorkerPool } from '@neusemslice/core';
import { loadDataset, samplePerClass } from '@neusemslice/data';
import { TaylorMetric } from '@neusemslice/metric-taylor';
import { createModel } from '@neusemslice/models';
import { createCliContainer } from '../plugins';
import { concurrentSliceSeconds, repeatedSliceTask } from './concurrent-slices';

// tfjs's per-kernel leak check misfires on fused matmul (workflow.test.ts).
tf.env().set('IS_TEST', false);

describe('concurrent slices (the 2-thread ceiling of the speed bench)', () => {
  let model: NeuronModel;
  let data: ReturnType<typeof samplePerClass>;

  beforeAll(async () => {
    await resolveBackend(createCliContainer(), { prefer: 'wasm', log: () => undefined });
    const train = await loadDataset('mnist', 'train', {});
    data = samplePerClass(train, 4, 1);
    model = new NeuronModel(
      createModel('mlp', { inputShape: [...data.inputShape], numClasses: 10, seed: 1 }),
    );
  }, 120_000);
  afterAll(() => model.model.dispose());

  it('slices the whole item once per repeat on one thread, without leaking tensors', async () => {
    const input = { repeats: 2, batchSize: 16, theta: 0.95 };
    const run = () => repeatedSliceTask.run({ model, data, metric: new TaylorMetric(), input });
    await run(); // first use of the kernels
    const tensorsBefore = tf.memory().numTensors;
    const seconds = await run();
    expect(seconds).toHaveLength(2);
    for (const value of seconds) expect(value).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 120_000);

  it('needs a metric', async () => {
    await expect(
      repeatedSliceTask.run({ model, data, input: { repeats: 1, batchSize: 16, theta: 0.95 } }),
    ).rejects.toThrow('repeatedSliceTask: the run has no metric');
  });

  it('refuses a pool that has not exactly two threads', async () => {
    const pool = startWorkerPool({ threads: 1 });
    try {
      await expect(
        concurrentSliceSeconds(pool, model, data, new TaylorMetric(), {
          repeats: 1,
          batchSize: 16,
          theta: 0.95,
        }),
      ).rejects.toThrow('bench speed: the pool has 1 threads, not 2');
    } finally {
      await pool.close();
    }
  });
});
