import * as tf from '@tensorflow/tfjs';
import { scorePerCategory } from '../metrics/score-per-category';
import { MeanActivationMetric } from '../testing/mean-activation-metric';
import { WORKER_TEST_PLUGIN_MODULE } from '../testing/worker-test-plugin';
import { tinyModelAndData } from './__fixtures__/tiny-parallel-fixture';
import { discoverPluginModules } from './plugin-modules';
import { resolveThreads } from './run-in-parallel';
import { MIN_SAMPLES_PER_WORKER, resolveWorkerCount } from './worker-count';

const FIXTURE_PLUGIN = WORKER_TEST_PLUGIN_MODULE;

const fixture = () => tinyModelAndData();

describe('scorePerCategory on worker threads', () => {
  it('gives exactly the single-thread scores of every category with 2 and 3 threads', async () => {
    const { model, data } = fixture();
    const metric = new MeanActivationMetric();
    const single = await scorePerCategory(metric, model, data, { batchSize: 8, workers: 1 });
    for (const workers of [2, 3]) {
      const parallel = await scorePerCategory(metric, model, data, {
        batchSize: 8,
        workers,
        workerPlugins: [FIXTURE_PLUGIN],
      });
      expect([...parallel.keys()].sort()).toEqual([...single.keys()].sort());
      for (const [category, scores] of single) expect(parallel.get(category)).toEqual(scores);
    }
  });

  it('leaves no tensors behind in the main thread over repeated runs', async () => {
    const { model, data } = fixture();
    const metric = new MeanActivationMetric();
    const options = { batchSize: 8, workers: 2, workerPlugins: [FIXTURE_PLUGIN] };
    await scorePerCategory(metric, model, data, options);
    const before = tf.memory().numTensors;
    await scorePerCategory(metric, model, data, options);
    await scorePerCategory(metric, model, data, options);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports a failure inside a worker (metric not registered there) instead of hiding it', async () => {
    const { model, data } = fixture();
    const unknown = Object.assign(new MeanActivationMetric(), { name: 'not-in-the-plugins' });
    await expect(
      scorePerCategory(unknown, model, data, {
        batchSize: 8,
        workers: 2,
        workerPlugins: [FIXTURE_PLUGIN],
      }),
    ).rejects.toThrow("unknown metric 'not-in-the-plugins'");
  });

  it('refuses a bad worker count, naming the input and its value', async () => {
    const { model, data } = fixture();
    await expect(
      scorePerCategory(new MeanActivationMetric(), model, data, { batchSize: 8, workers: 1.5 }),
    ).rejects.toThrow('scorePerCategory: workers must be an integer ≥ 1, got 1.5');
  });
});

describe('how many threads', () => {
  it('caps the default by the data size and the number of items, and honours an explicit count', () => {
    expect(resolveWorkerCount(undefined, MIN_SAMPLES_PER_WORKER - 1, 10)).toBe(1);
    expect(resolveWorkerCount(undefined, 1000 * MIN_SAMPLES_PER_WORKER, 1)).toBe(1);
    expect(resolveWorkerCount(4, 10, 10)).toBe(4);
    expect(resolveWorkerCount(4, 10, 3)).toBe(3);
  });

  it('falls back to one thread by default when no plugin modules are known for the workers', () => {
    const plugins = discoverPluginModules();
    const threads = resolveThreads('test', {}, 1000 * MIN_SAMPLES_PER_WORKER, 10);
    if (plugins.length === 0) expect(threads).toBe(1);
    expect(resolveThreads('test', { workerPlugins: [] }, 1000 * MIN_SAMPLES_PER_WORKER, 10)).toBe(
      1,
    );
  });
});
