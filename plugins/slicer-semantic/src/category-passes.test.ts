import * as tf from '@tensorflow/tfjs';
import { type Metric, NeuronModel, type Slice } from '@neusemslice/core';
import {
  MeanActivationMetric,
  makeSeparableDataset,
  makeTinyCnn,
  makeTinyMlp,
  WORKER_TEST_PLUGIN_MODULE,
} from '@neusemslice/core/testing';
import { categoryPass, parallelCategoryPasses, slicingThreads } from './category-passes';
import { NeuronGramAccumulator } from './neuron-gram-products';
import { SEMANTIC_DEFAULTS } from './options';
import { SemanticSlicer } from './semantic-slicer';

const PLUGINS = [WORKER_TEST_PLUGIN_MODULE];

function criticalSets(slice: Slice): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(slice.critical).map(([layer, neurons]) => [layer, [...neurons].sort()]),
  );
}

/** A parallel category-pass request: a tiny MLP on [4, 4, 1] inputs and separable data for it. */
function mlpPassRequest(
  mlp: { hidden: number[]; seed: number },
  samples: { samplesPerClass: number; numClasses: number; seed: number },
) {
  return {
    model: new NeuronModel(makeTinyMlp({ inputShape: [4, 4, 1], ...mlp })),
    data: makeSeparableDataset({ inputShape: [4, 4, 1], ...samples }),
    metric: new MeanActivationMetric(),
    options: {},
    workerPlugins: PLUGINS,
  };
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
    const request = mlpPassRequest(
      { hidden: [10, 6], seed: 7 },
      { samplesPerClass: 21, numClasses: 4, seed: 8 },
    );
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

/** The same metric, but it never hands its outputs over: the slicer must make its own pass. */
function withoutOutputs(metric: Metric): Metric {
  return {
    name: metric.name,
    description: metric.description,
    score: (model, data, options) =>
      metric.score(model, data, { ...options, onNeuronOutputs: undefined }),
  };
}

/** Largest |a − b| over the largest |b|, over every layer's Gram products. */
function largestRelativeDifference(
  actual: Map<string, Float64Array>,
  expected: Map<string, Float64Array>,
): number {
  let worst = 0;
  for (const [layerName, expectedProducts] of expected) {
    const actualProducts = actual.get(layerName) as Float64Array;
    expect(actualProducts).toHaveLength(expectedProducts.length);
    const scale = Math.max(...Array.from(expectedProducts, Math.abs));
    expectedProducts.forEach((value, index) => {
      worst = Math.max(worst, Math.abs(actualProducts[index] - value) / scale);
    });
  }
  return worst;
}

describe('one pass for the metric and the Gram products', () => {
  const cnnData = () =>
    makeSeparableDataset({ samplesPerClass: 11, numClasses: 3, inputShape: [6, 6, 1], seed: 5 });
  const cnn = () => new NeuronModel(makeTinyCnn({ inputShape: [6, 6, 1], numClasses: 3, seed: 5 }));

  it.each(['spatial-mean', 'flattened', 'energy'] as const)(
    'feeds the Gram products from the metric’s pass, equal to a separate pass (%s)',
    async (features) => {
      const model = cnn();
      const data = cnnData();
      const input = { batchSize: 4, features, centered: true };
      const fused = await categoryPass(model, data, new MeanActivationMetric(), 1, input);
      const separate = await categoryPass(
        model,
        data,
        withoutOutputs(new MeanActivationMetric()),
        1,
        input,
      );
      expect(fused.gramSource).toBe('metric');
      expect(separate.gramSource).toBe('own-pass');
      expect(fused.scores).toEqual(separate.scores);
      expect(largestRelativeDifference(fused.gramProducts, separate.gramProducts)).toBeLessThan(
        1e-9,
      );

      const request = { model, data, options: { theta: 0.9, features }, batchSize: 4, workers: 1 };
      const slicer = new SemanticSlicer();
      const fusedSlice = await slicer.slice({ ...request, metric: new MeanActivationMetric() });
      const separateSlice = await slicer.slice({
        ...request,
        metric: withoutOutputs(new MeanActivationMetric()),
      });
      expect(criticalSets(fusedSlice)).toEqual(criticalSets(separateSlice));
      expect(fusedSlice.perCategory).toEqual(separateSlice.perCategory);
      expect(fusedSlice.options.prefixes).toEqual(separateSlice.options.prefixes);
    },
  );

  it('sweeps theta to the same slices either way', async () => {
    const model = cnn();
    const data = cnnData();
    const request = { model, data, options: {}, batchSize: 5, workers: 1 };
    const thetas = [0.8, 0.9, 0.99];
    const slicer = new SemanticSlicer();
    const fused = await slicer.sweep({ ...request, metric: new MeanActivationMetric() }, thetas);
    const separate = await slicer.sweep(
      { ...request, metric: withoutOutputs(new MeanActivationMetric()) },
      thetas,
    );
    expect(fused.map(criticalSets)).toEqual(separate.map(criticalSets));
    expect(fused.map((slice) => slice.options.prefixes)).toEqual(
      separate.map((slice) => slice.options.prefixes),
    );
  });

  it('makes its own pass when the metric hands over only some of the samples', async () => {
    const model = cnn();
    const data = cnnData();
    const metric = new MeanActivationMetric();
    let calls = 0;
    const firstBatchOnly: Metric = {
      name: 'first-batch-only',
      description: 'hands over its first batch only',
      score: (scoredModel, scoredData, options) =>
        metric.score(scoredModel, scoredData, {
          ...options,
          onNeuronOutputs: (outputs, batch) => {
            if (calls++ === 0) options.onNeuronOutputs?.(outputs, batch);
          },
        }),
    };
    const input = { batchSize: 4, features: 'spatial-mean' as const, centered: true };
    const partial = await categoryPass(model, data, firstBatchOnly, 0, input);
    const separate = await categoryPass(model, data, withoutOutputs(metric), 0, input);
    expect(calls).toBe(Math.ceil(data.size / 4));
    expect(partial.gramSource).toBe('own-pass');
    expect(largestRelativeDifference(partial.gramProducts, separate.gramProducts)).toBe(0);
  });

  it('makes its own pass when the outputs handed over lack a layer, and says why', async () => {
    const model = cnn();
    const data = cnnData();
    const metric = new MeanActivationMetric();
    const [firstLayer, ...otherLayers] = model.neuronLayers.map((layer) => layer.name);
    const accumulator = new NeuronGramAccumulator(model, { features: 'energy', centered: true });
    const lacksFirstLayer: Metric = {
      name: 'lacks-first-layer',
      description: 'hands over every layer but the first',
      score: (scoredModel, scoredData, options) =>
        metric.score(scoredModel, scoredData, {
          ...options,
          onNeuronOutputs: (outputs, batch) =>
            options.onNeuronOutputs?.(
              Object.fromEntries(otherLayers.map((name) => [name, outputs[name]])),
              batch,
            ),
        }),
    };
    await metric.score(model, data, { batchSize: 4, onNeuronOutputs: accumulator.add });
    expect(accumulator.covers(data.size)).toBe(true);
    accumulator.dispose();
    const input = { batchSize: 4, features: 'energy' as const, centered: true };
    const pass = await categoryPass(model, data, lacksFirstLayer, 0, input);
    expect(pass.gramSource).toBe('own-pass');
    const refusing = new NeuronGramAccumulator(model, { features: 'energy', centered: true });
    await lacksFirstLayer.score(model, data, { batchSize: 4, onNeuronOutputs: refusing.add });
    expect(refusing.refusal).toBe(`no output for layer '${firstLayer}'`);
    expect(refusing.covers(data.size)).toBe(false);
    refusing.dispose();
  });

  it('feeds the Gram products from the metric’s pass in workers too, and keeps no tensor', async () => {
    const request = mlpPassRequest(
      { hidden: [10, 6], seed: 3 },
      { samplesPerClass: 9, numClasses: 3, seed: 3 },
    );
    const { model, data } = request;
    const parallel = await parallelCategoryPasses(request, SEMANTIC_DEFAULTS, 4, 2);
    expect([...parallel.values()].map((pass) => pass.gramSource)).toEqual([
      'metric',
      'metric',
      'metric',
    ]);
    const input = { batchSize: 4, features: 'spatial-mean' as const, centered: true };
    await categoryPass(model, data, new MeanActivationMetric(), 0, input);
    const tensorsBefore = tf.memory().numTensors;
    for (let repeat = 0; repeat < 3; repeat++)
      await categoryPass(model, data, new MeanActivationMetric(), 0, input);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
