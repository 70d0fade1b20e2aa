import * as tf from '@tensorflow/tfjs';
import { NeuronModel, type Slice } from '@neusemslice/core';
import {
  MeanActivationMetric,
  makeSeparableDataset,
  makeTinyCnn,
  makeTinyMlp,
  WORKER_TEST_PLUGIN_MODULE,
} from '@neusemslice/core/testing';
import { parallelCategoryPasses, slicingThreads } from './category-passes';
import { SEMANTIC_DEFAULTS } from './options';
import { SemanticSlicer } from './semantic-slicer';

const PLUGINS = [WORKER_TEST_PLUGIN_MODULE];

function criticalSets(slice: Slice): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(slice.critical).map(([layer, neurons]) => [layer, [...neurons].sort()]),
  );
}

describe('semantic slicing on worker threads', () => {
  it.each([
    ['an MLP', () => makeTinyMlp({ inputShape: [4, 4, 1], hidden: [12, 8], seed: 2 }), [4, 4, 1]],
    ['a CNN', () => makeTinyCnn({ inputShape: [8, 8, 1], numClasses: 3, seed: 2 }), [8, 8, 1]],
  ])('chooses the same slice with 2 threads as with 1 (%s)', async (_label, makeModel, shape) => {
    const model = new NeuronModel(makeModel());
    const data = makeSeparableDataset({
      samplesPerClass: 19,
      numClasses: 3,
      inputShape: shape as number[],
      seed: 4,
    });
    const request = {
      model,
      data,
      metric: new MeanActivationMetric(),
      options: { theta: 0.9 },
      batchSize: 8,
    };
    const slicer = new SemanticSlicer();
    const single = await slicer.slice({ ...request, workers: 1 });
    const parallel = await slicer.slice({ ...request, workers: 2, workerPlugins: PLUGINS });
    expect(criticalSets(parallel)).toEqual(criticalSets(single));
    expect(parallel.perCategory).toEqual(single.perCategory);
    expect(parallel.options.prefixes).toEqual(single.options.prefixes);
  });

  it('gives exactly the single-thread scores and Gram products of every category', async () => {
    const model = new NeuronModel(makeTinyMlp({ inputShape: [4, 4, 1], hidden: [10, 6], seed: 7 }));
    const data = makeSeparableDataset({
      samplesPerClass: 21,
      numClasses: 4,
      inputShape: [4, 4, 1],
      seed: 8,
    });
    const request = {
      model,
      data,
      metric: new MeanActivationMetric(),
      options: {},
      workerPlugins: PLUGINS,
    };
    const single = await parallelCategoryPasses(request, SEMANTIC_DEFAULTS, 8, 1);
    const parallel = await parallelCategoryPasses(request, SEMANTIC_DEFAULTS, 8, 2);
    expect([...parallel.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const [category, pass] of single) {
      // Each category is computed whole by one thread with the same batches: bit-identical.
      expect(parallel.get(category)?.scores).toEqual(pass.scores);
      expect(parallel.get(category)?.gramProducts).toEqual(pass.gramProducts);
    }
    const tensorsBefore = tf.memory().numTensors;
    await parallelCategoryPasses(request, SEMANTIC_DEFAULTS, 8, 2);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('checks the worker count on entry', () => {
    const model = new NeuronModel(makeTinyMlp({ inputShape: [4, 4, 1], seed: 1 }));
    const data = makeSeparableDataset({
      samplesPerClass: 2,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 1,
    });
    const request = { model, data, metric: new MeanActivationMetric(), options: {} };
    expect(() => slicingThreads({ ...request, workers: 0 })).toThrow(
      'slicer-semantic: workers must be an integer ≥ 1, got 0',
    );
    expect(slicingThreads(request)).toBe(1);
    expect(slicingThreads({ ...request, workers: 8, workerPlugins: PLUGINS })).toBe(3);
  });
});
