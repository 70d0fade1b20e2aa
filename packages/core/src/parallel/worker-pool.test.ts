import * as tf from '@tensorflow/tfjs';
import { threadId } from 'node:worker_threads';
import { scorePerCategory } from '../metrics/score-per-category';
import { NeuronModel } from '../model/neuron-model';
import { makeSeparableDataset } from '../testing/array-dataset';
import { MeanActivationMetric } from '../testing/mean-activation-metric';
import { WORKER_TEST_PLUGIN_MODULE } from '../testing/worker-test-plugin';
import type { WorkItem } from './packed-items';
import { tinyModelAndData } from './__fixtures__/tiny-parallel-fixture';
import {
  modelOutputProbeTask,
  modelOutputs,
  type ThreadProbeInput,
  threadProbeTask,
} from './pool-test-tasks';
import { resolveThreads, runItemsInParallel } from './run-in-parallel';
import { startWorkerPool, type WorkerPool } from './worker-pool';

const PLUGINS = [WORKER_TEST_PLUGIN_MODULE];

const fixture = tinyModelAndData;

/** One item per category, as the slicer makes them. */
function categoryItems(labels: Int32Array, numClasses: number): WorkItem[] {
  return Array.from({ length: numClasses }, (_, category) => ({
    category,
    indices: Int32Array.from(labels.keys()).filter((index) => labels[index] === category),
  }));
}

/** Thread ids that ran each item of one probe run on `pool`. */
async function probeThreads(pool: WorkerPool, failInWorker = false): Promise<number[]> {
  const { model, data } = fixture(7);
  const input: ThreadProbeInput = {
    workerItems: new Int32Array(new SharedArrayBuffer(4)),
    failInWorker,
  };
  return runItemsInParallel(threadProbeTask, {
    model,
    data,
    items: categoryItems(data.labels(), data.numClasses),
    threads: 2,
    pool,
    input,
    batchSize: 8,
    owner: 'test',
  });
}

describe('a worker pool kept across calls', () => {
  let pool: WorkerPool;

  beforeAll(async () => {
    pool = startWorkerPool({ threads: 2, workerPlugins: PLUGINS });
    await pool.ready();
  });

  afterAll(async () => {
    await pool.close();
  });

  it('gives exactly the single-thread and the unpooled 2-thread scores', async () => {
    const { model, data } = fixture();
    const metric = new MeanActivationMetric();
    const single = await scorePerCategory(metric, model, data, { batchSize: 8, workers: 1 });
    const unpooled = await scorePerCategory(metric, model, data, {
      batchSize: 8,
      workers: 2,
      workerPlugins: PLUGINS,
    });
    const pooled = await scorePerCategory(metric, model, data, { batchSize: 8, workerPool: pool });
    expect([...pooled.keys()].sort()).toEqual([...single.keys()].sort());
    for (const [category, scores] of single) {
      expect(pooled.get(category)).toEqual(scores);
      expect(unpooled.get(category)).toEqual(scores);
    }
  });

  it('reuses its workers and sends a model once for consecutive calls', async () => {
    const before = pool.counts();
    const first = await probeThreads(pool);
    const second = await probeThreads(pool);
    const after = pool.counts();
    expect(after.launches).toBe(1);
    expect(after.runs).toBe(before.runs + 2);
    // The probe's model is new to the worker once; the second call finds it by content key.
    expect(after.modelTransfers).toBe(before.modelTransfers + 1);
    for (const ran of [first, second]) {
      expect(ran).toContain(pool.threadIds[0]);
      // The main thread usually runs an item too, but a fast worker may take them all.
      for (const id of ran) expect([threadId, pool.threadIds[0]]).toContain(id);
    }
  });

  it('sends a model again once its weights change', async () => {
    const { model, data } = fixture(11);
    const metric = new MeanActivationMetric();
    const options = { batchSize: 8, workerPool: pool };
    const before = pool.counts().modelTransfers;
    const original = await scorePerCategory(metric, model, data, options);
    await scorePerCategory(metric, model, data, options);
    expect(pool.counts().modelTransfers).toBe(before + 1);
    const dense = model.model.layers.find((layer) => layer.getWeights().length === 2);
    if (!dense) throw new Error('the tiny MLP has no dense layer');
    const [kernel, bias] = dense.getWeights();
    const doubled = tf.mul(kernel, 2);
    dense.setWeights([doubled, bias]);
    doubled.dispose();
    const changed = await scorePerCategory(metric, model, data, options);
    const single = await scorePerCategory(metric, model, data, { batchSize: 8, workers: 1 });
    expect(pool.counts().modelTransfers).toBe(before + 2);
    expect(changed).toEqual(single);
    expect(changed).not.toEqual(original);
  });

  it("leaves a model's batch-norm statistics alone: workers give the caller's outputs", async () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 6, name: 'fc1', biasInitializer: 'ones' }).apply(flat);
    const normalized = tf.layers
      .batchNormalization({ momentum: 0.9, name: 'bn1' })
      .apply(dense) as tf.SymbolicTensor;
    const relu = tf.layers.activation({ activation: 'relu', name: 'act1' }).apply(normalized);
    const logits = tf.layers.dense({ units: 4, name: 'logits' }).apply(relu) as tf.SymbolicTensor;
    const model = new NeuronModel(tf.model({ inputs: input, outputs: logits }));
    const data = makeSeparableDataset({
      samplesPerClass: 12,
      numClasses: 4,
      inputShape: [4, 4, 1],
      seed: 5,
    });
    // A worker that warmed the model up in training mode would have moved its moving statistics,
    // and every item it runs would give other outputs than the caller's model.
    const items = categoryItems(data.labels(), data.numClasses);
    const runs = await runItemsInParallel(modelOutputProbeTask, {
      model,
      data,
      items,
      threads: 2,
      pool,
      input: { workerItems: new Int32Array(new SharedArrayBuffer(4)) },
      batchSize: 8,
      owner: 'test',
    });
    expect(runs.map((run) => run.thread)).toContain(pool.threadIds[0]);
    items.forEach((item, index) => {
      expect(runs[index].outputs).toEqual(modelOutputs(model, data.subset(item.indices)));
    });
    model.model.dispose();
  });

  it('takes a model ahead of the call, which then sends nothing', async () => {
    const { model, data } = fixture(13);
    const before = pool.counts().modelTransfers;
    await pool.preloadModel(model);
    expect(pool.counts().modelTransfers).toBe(before + 1);
    const metric = new MeanActivationMetric();
    const pooled = await scorePerCategory(metric, model, data, { batchSize: 8, workerPool: pool });
    expect(pool.counts().modelTransfers).toBe(before + 1);
    expect(pooled).toEqual(
      await scorePerCategory(metric, model, data, { batchSize: 8, workers: 1 }),
    );
  });

  it('rejects a call whose task fails in a worker, with its message, and stays usable', async () => {
    await expect(probeThreads(pool, true)).rejects.toThrow(
      /worker 1: probe failed on purpose in category \d/,
    );
    expect(pool.closed).toBe(false);
    const ran = await probeThreads(pool);
    expect(ran).toContain(pool.threadIds[0]);
    expect(pool.counts().launches).toBe(1);
  });

  it('reports a metric the workers do not know, and stays usable', async () => {
    const { model, data } = fixture();
    const unknown = Object.assign(new MeanActivationMetric(), { name: 'not-in-the-plugins' });
    await expect(
      scorePerCategory(unknown, model, data, { batchSize: 8, workerPool: pool }),
    ).rejects.toThrow("unknown metric 'not-in-the-plugins'");
    expect(pool.closed).toBe(false);
  });

  it('leaves no tensors behind in the main thread over repeated calls', async () => {
    const { model, data } = fixture();
    const metric = new MeanActivationMetric();
    await scorePerCategory(metric, model, data, { batchSize: 8, workerPool: pool });
    const before = tf.memory().numTensors;
    for (let call = 0; call < 3; call++)
      await scorePerCategory(metric, model, data, { batchSize: 8, workerPool: pool });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('uses its threads by default and refuses more than it has', () => {
    expect(resolveThreads('test', { workerPool: pool }, 10, 5)).toBe(2);
    expect(resolveThreads('test', { workerPool: pool }, 10, 1)).toBe(1);
    expect(resolveThreads('test', { workerPool: pool, workers: 1 }, 10, 5)).toBe(1);
    expect(() => resolveThreads('test', { workerPool: pool, workers: 3 }, 10, 5)).toThrow(
      "test: workers 3 exceeds the worker pool's 2 threads",
    );
  });

  it('refuses a call on another backend than its workers run', async () => {
    const { model, data } = fixture();
    const other = startWorkerPool({ threads: 2, workerPlugins: PLUGINS, backend: 'webgl' });
    try {
      await expect(
        scorePerCategory(new MeanActivationMetric(), model, data, {
          batchSize: 8,
          workerPool: other,
        }),
      ).rejects.toThrow("the worker pool runs backend 'webgl' but this thread runs 'cpu'");
    } finally {
      await other.close();
    }
  });
});

describe('closing a worker pool', () => {
  it('rejects calls after close(), naming the reason', async () => {
    const pool = startWorkerPool({ threads: 2, workerPlugins: PLUGINS });
    await pool.close();
    await pool.close(); // twice is fine
    expect(pool.closed).toBe(true);
    await expect(pool.ready()).rejects.toThrow('the worker pool was closed');
    await expect(probeThreads(pool)).rejects.toThrow(
      'test: the worker pool is closed (worker-pool: the worker pool was closed)',
    );
  });

  it('rejects, and does not hang, a call whose pool closes while its model is being saved', async () => {
    const pool = startWorkerPool({ threads: 2, workerPlugins: PLUGINS });
    await pool.ready();
    const { model, data } = fixture(17);
    const save = model.model.save.bind(model.model);
    model.model.save = (handler, config) => {
      void pool.close();
      return save(handler, config);
    };
    const options = { batchSize: 8, workerPool: pool };
    const metric = new MeanActivationMetric();
    await expect(scorePerCategory(metric, model, data, options)).rejects.toThrow(
      'the worker pool is closed',
    );
    // The next call is refused too, rather than queued behind a run that never ends.
    await expect(scorePerCategory(metric, model, data, options)).rejects.toThrow(
      'the worker pool is closed',
    );
  });

  it('closes itself when a worker cannot start, and says why', async () => {
    const pool = startWorkerPool({
      threads: 2,
      workerPlugins: [`${WORKER_TEST_PLUGIN_MODULE}.missing.js`],
    });
    await expect(pool.ready()).rejects.toThrow(/worker 1 failed to start: Cannot find module/);
    expect(pool.closed).toBe(true);
    await expect(probeThreads(pool)).rejects.toThrow(/the worker pool is closed .*failed to start/);
    await pool.close();
  });

  it('checks its options on entry', () => {
    expect(() => startWorkerPool({ threads: 0, workerPlugins: PLUGINS })).toThrow(
      'worker-pool: threads must be an integer ≥ 1, got 0',
    );
    expect(() => startWorkerPool({ threads: 2, workerPlugins: [] })).toThrow(
      'worker-pool: 2 workers need the plugin modules each worker registers',
    );
  });
});
