import * as tf from '@tensorflow/tfjs';
import { linearCka, listComponents, NeuronModel } from '@neusemslice/core';
import {
  createTestContainer,
  describeSlicerContract,
  makeSeparableDataset,
  makeTinyCnn,
  makeTinyMlp,
  MeanActivationMetric,
} from '@neusemslice/core/testing';
import { capturedOutputs, rows, unbiasedHsic } from './__fixtures__/reference';
import plugin, {
  consecutiveLayerSimilarities,
  DeepArcSlicer,
  type LayerSimilarity,
  redundantLayers,
  splitIntoModules,
} from './index';

describeSlicerContract(
  () => new DeepArcSlicer(),
  () => new MeanActivationMetric(),
  { threshold: 0.99 },
);
describeSlicerContract(
  () => new DeepArcSlicer(),
  () => new MeanActivationMetric(),
  {
    threshold: 0.5,
    features: 'spatial-mean',
    estimator: 'minibatch',
  },
);

const mlp = () => ({
  model: new NeuronModel(makeTinyMlp({ seed: 3, hidden: [10, 7, 5] })),
  data: makeSeparableDataset({ samplesPerClass: 8, numClasses: 3, inputShape: [4, 4, 1], seed: 7 }),
});
const cnn = () => ({
  model: new NeuronModel(makeTinyCnn({ seed: 4 })),
  data: makeSeparableDataset({ samplesPerClass: 8, numClasses: 3, inputShape: [6, 6, 1], seed: 8 }),
});

/**
 * An MLP whose second hidden layer echoes the first (relu(2·I·h) = 2h), so their CKA is exactly 1,
 * followed by a third layer that mixes its inputs.
 */
function echoMlp(): NeuronModel {
  const model = tf.sequential({ name: 'echo_mlp' });
  model.add(tf.layers.flatten({ inputShape: [4, 4, 1] }));
  model.add(
    tf.layers.dense({
      units: 6,
      activation: 'relu',
      name: 'fc1',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(tf.layers.dense({ units: 6, activation: 'relu', name: 'echo', useBias: false }));
  model.add(
    tf.layers.dense({
      units: 4,
      activation: 'relu',
      name: 'fc3',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: 3,
      name: 'logits',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
    }),
  );
  const echo = model.getLayer('echo');
  echo.setWeights([tf.tidy(() => tf.mul(tf.eye(6), 2))]);
  return new NeuronModel(model);
}

describe('splitIntoModules', () => {
  it("starts a new module where the CKA drops to the threshold or below (DeepArc's rule)", () => {
    const layers = ['a', 'b', 'c', 'd', 'e'];
    expect(splitIntoModules(layers, [0.995, 0.98, 0.999, 0.9995], 0.99)).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    expect(splitIntoModules(layers, [0.99, 0.99, 0.99, 0.99], 0.99)).toEqual([
      ['a'],
      ['b'],
      ['c'],
      ['d'],
      ['e'],
    ]);
    expect(splitIntoModules(['only'], [], 0.99)).toEqual([['only']]);
    expect(() => splitIntoModules(layers, [0.5], 0.99)).toThrow(/need 4 similarities, got 1/);
  });

  it('marks all but the first layer of each module redundant', () => {
    expect(redundantLayers([['a', 'b'], ['c', 'd', 'e'], ['f']])).toEqual(['b', 'd', 'e']);
    expect(redundantLayers([['a'], ['b']])).toEqual([]);
  });
});

describe('consecutiveLayerSimilarities', () => {
  it('equals linearCka of consecutive layers over all samples (full estimator)', async () => {
    for (const { model, data } of [mlp(), cnn()]) {
      for (const flattened of [true, false]) {
        const { similarities, estimator } = await consecutiveLayerSimilarities(model, data, {
          features: flattened ? 'flattened' : 'spatial-mean',
          estimator: 'auto',
          batchSize: 5,
        });
        expect(estimator).toBe('full');
        const [batch] = [...data.batches(data.size)];
        const outputs = capturedOutputs(model, batch.x, flattened);
        batch.x.dispose();
        const layers = model.neuronLayers;
        expect(similarities.map((s) => [s.from, s.to])).toEqual(
          layers.slice(1).map((layer, index) => [layers[index].name, layer.name]),
        );
        similarities.forEach(({ from, to, cka }) => {
          expect(cka).toBeCloseTo(linearCka(outputs[from], outputs[to]), 5);
        });
      }
    }
  });

  it("equals the mean over batches of Song et al.'s unbiased HSIC (minibatch estimator), skipping batches under 4", async () => {
    const { model, data } = cnn(); // 24 samples: batches of 10, 10 and 4
    for (const [batchSize, starts] of [
      [10, [0, 10, 20, 24]],
      [11, [0, 11, 22]], // the last 2 samples are skipped
    ] as const) {
      const { similarities, estimator } = await consecutiveLayerSimilarities(model, data, {
        features: 'flattened',
        estimator: 'minibatch',
        batchSize,
      });
      expect(estimator).toBe('minibatch');
      const [batch] = [...data.batches(data.size)];
      const outputs = capturedOutputs(model, batch.x, true);
      batch.x.dispose();
      similarities.forEach(({ from, to, cka }) => {
        let between = 0;
        let fromSelf = 0;
        let toSelf = 0;
        for (let index = 0; index + 1 < starts.length; index++) {
          const a = rows(outputs[from], starts[index], starts[index + 1]);
          const b = rows(outputs[to], starts[index], starts[index + 1]);
          between += unbiasedHsic(a, b);
          fromSelf += unbiasedHsic(a, a);
          toSelf += unbiasedHsic(b, b);
        }
        expect(cka).toBeCloseTo(between / Math.sqrt(fromSelf * toSelf), 4);
      });
    }
  });

  it('switches auto to minibatch, and refuses full, when flattened maps are too wide', async () => {
    const input = tf.input({ shape: [64, 64, 1] });
    const conv = tf.layers
      .conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'wide' })
      .apply(input) as tf.SymbolicTensor;
    const conv2 = tf.layers
      .conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'wide2' })
      .apply(conv) as tf.SymbolicTensor;
    const pooled = tf.layers.globalAveragePooling2d({}).apply(conv2) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 2, name: 'logits' }).apply(pooled) as tf.SymbolicTensor;
    const model = new NeuronModel(tf.model({ inputs: input, outputs: logits }));
    const data = makeSeparableDataset({
      samplesPerClass: 3,
      numClasses: 2,
      inputShape: [64, 64, 1],
      seed: 1,
    });
    await expect(
      consecutiveLayerSimilarities(model, data, {
        features: 'flattened',
        estimator: 'full',
        batchSize: 6,
      }),
    ).rejects.toThrow(
      /estimator 'full' would keep \d+ cross-product entries .* use estimator 'minibatch'/,
    );
    const { estimator, similarities } = await consecutiveLayerSimilarities(model, data, {
      features: 'flattened',
      estimator: 'auto',
      batchSize: 6,
    });
    expect(estimator).toBe('minibatch');
    expect(Number.isFinite(similarities[0].cka)).toBe(true);
    model.model.dispose();
  });
});

describe('DeepArcSlicer', () => {
  it('empties the redundant layers of a module and keeps every other layer whole', async () => {
    const model = echoMlp();
    const { data } = mlp();
    const slice = await new DeepArcSlicer().slice({
      model,
      data,
      metric: new MeanActivationMetric(),
      options: { threshold: 0.9999 },
      batchSize: 8,
    });
    const similarities = slice.options.similarities as LayerSimilarity[];
    expect(similarities[0]).toMatchObject({ from: 'fc1', to: 'echo' });
    expect(similarities[0].cka).toBeCloseTo(1, 5);
    // Untrained ReLU layers are alike (CKA ≈ 0.997 here), hence the strict threshold.
    expect(similarities[1].cka).toBeLessThan(0.9999);
    expect(slice.options).toMatchObject({
      threshold: 0.9999,
      features: 'flattened',
      estimator: 'full',
      modules: [['fc1', 'echo'], ['fc3']],
    });
    expect(slice.critical).toEqual({ fc1: [0, 1, 2, 3, 4, 5], echo: [], fc3: [0, 1, 2, 3] });
    expect(slice.metric).toBe('mean-activation');
    expect(slice.perCategory).toBeUndefined();
  });

  it('sweeps thresholds from one pass; a higher threshold keeps a superset', async () => {
    const { model, data } = mlp();
    const probe = await new DeepArcSlicer().slice({
      model,
      data,
      metric: new MeanActivationMetric(),
      options: {},
    });
    const ckas = (probe.options.similarities as LayerSimilarity[]).map((s) => s.cka);
    // Thresholds just below each measured CKA, so each one merges one more pair.
    const thresholds = [...ckas]
      .sort((a, b) => a - b)
      .map((cka) => cka - 1e-6)
      .concat(1);
    const slices = await new DeepArcSlicer().sweep(
      { model, data, metric: new MeanActivationMetric(), options: {} },
      thresholds,
    );
    const keptCounts = slices.map(
      (slice) => Object.values(slice.critical).filter((set) => set.length > 0).length,
    );
    expect(keptCounts).toEqual([1, 2, 3]);
    for (let index = 1; index < slices.length; index++) {
      for (const layer of model.neuronLayers) {
        const wider = new Set(slices[index].critical[layer.name]);
        expect(slices[index - 1].critical[layer.name].every((unit) => wider.has(unit))).toBe(true);
      }
    }
  });

  it('rejects bad options with clear messages', async () => {
    const { model, data } = mlp();
    const slicer = new DeepArcSlicer();
    const request = (options: Record<string, unknown>) => ({
      model,
      data,
      metric: new MeanActivationMetric(),
      options,
    });
    await expect(slicer.slice(request({ threshold: 1.2 }))).rejects.toThrow(
      'slicer-deeparc: threshold must be a number in [0, 1], got 1.2',
    );
    await expect(slicer.slice(request({ features: 'maps' }))).rejects.toThrow(
      `slicer-deeparc: features must be one of 'flattened', 'spatial-mean', got "maps"`,
    );
    await expect(slicer.slice(request({ estimator: 'exact' }))).rejects.toThrow(
      `slicer-deeparc: estimator must be one of 'auto', 'full', 'minibatch', got "exact"`,
    );
    await expect(slicer.slice(request({ theta: 0.9 }))).rejects.toThrow(
      "slicer-deeparc: unknown option 'theta' (expected threshold, features, estimator)",
    );
    await expect(slicer.sweep(request({}), [0.9, -1])).rejects.toThrow(
      'slicer-deeparc: threshold #2 of the sweep must be a number in [0, 1], got -1',
    );
    await expect(
      slicer.slice({
        ...request({ estimator: 'minibatch' }),
        data: data.subset(Int32Array.from([0, 1, 2])),
      }),
    ).rejects.toThrow(/needs batches of at least 4 samples/);
  });
});

describe('the plugin', () => {
  it('registers the deeparc slicer', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(plugin.name).toBe('@neusemslice/slicer-deeparc');
    expect(
      listComponents(container, 'slicer').map((slicer) => [slicer.name, slicer.sweepOption]),
    ).toEqual([['deeparc', 'threshold']]);
    expect(() => plugin.register(container)).toThrow(/already registered/);
  });
});
