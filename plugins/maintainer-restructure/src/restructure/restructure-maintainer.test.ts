import * as tf from '@tensorflow/tfjs';
import {
  countKeptParameters,
  createSlice,
  isUsageError,
  masksFromNeuronSets,
  neuronMeanOutputs,
  NeuronModel,
  Pipeline,
  resolveComponent,
  type Slicer,
  weightOwnership,
} from '@neusemslice/core';
import {
  createTestContainer,
  describeMaintainerContract,
  makeSeparableDataset,
  makeTinyCnn,
  makeTinyMlp,
  MeanActivationMetric,
  trainBriefly,
} from '@neusemslice/core/testing';
import plugin from '../index';
import { RestructureMaintainer } from './restructure-maintainer';

describeMaintainerContract(
  () => new RestructureMaintainer(),
  (fixture) => ({ trainData: fixture.data, testData: fixture.data, options: { batchSize: 16 } }),
);

const noComponents = () => {
  throw new Error('unused');
};

describe('RestructureMaintainer', () => {
  it('reports a smaller model whose accuracy equals the masked original’s', async () => {
    const data = makeSeparableDataset({
      samplesPerClass: 10,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 3,
    });
    const layersModel = makeTinyCnn({ seed: 9 });
    const [batch] = [...data.batches(data.size)];
    trainBriefly(layersModel, batch.x, batch.labels, 10);
    batch.x.dispose();
    const model = new NeuronModel(layersModel);
    const critical = { conv1: [0, 3], conv2: [1, 2, 4], fc1: [0, 1, 5] };
    const slice = createSlice({ model, metric: 'test', slicer: 'test', options: {}, critical });
    const report = await new RestructureMaintainer().maintain({
      model,
      slice,
      trainData: data,
      testData: data,
      options: {},
      components: noComponents,
    });
    const { figures } = report;
    const counted = countKeptParameters(
      weightOwnership(model),
      masksFromNeuronSets(model, critical),
    );
    expect(figures.parametersBefore).toBe(counted.total);
    expect(figures.parametersAfter).toBe(counted.kept);
    expect(figures.compressionRate).toBeCloseTo(counted.compressionRate, 12);
    expect(figures.weightsBytesBefore).toBe(4 * counted.total);
    expect(figures.weightsBytesAfter).toBe(4 * counted.kept);
    expect(figures.gzipBytesAfter).toBeLessThan(figures.gzipBytesBefore);
    expect(figures.testAccuracy).toBe(figures.testAccuracyMasked);
    expect(report.model?.countParams()).toBeLessThan(layersModel.countParams());
    expect(report.details?.neuronsKept).toEqual({
      conv1: { kept: 2, units: 4 },
      conv2: { kept: 3, units: 5 },
      fc1: { kept: 3, units: 6 },
    });
    report.model?.dispose();
    layersModel.dispose();
  });

  it("with fill 'mean', folds removed neurons' means so the new model equals the mean-filled masked one", async () => {
    const data = makeSeparableDataset({
      samplesPerClass: 10,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 4,
    });
    const layersModel = makeTinyCnn({ seed: 11 });
    const [batch] = [...data.batches(data.size)];
    trainBriefly(layersModel, batch.x, batch.labels, 10);
    const model = new NeuronModel(layersModel);
    // conv1 → conv2 has 'same' padding, which a mean cannot be folded through (refused with a
    // UsageError), so conv1 keeps every filter.
    const critical = { conv1: [0, 1, 2, 3], conv2: [0, 3, 4], fc1: [2, 3, 4] };
    const slice = createSlice({ model, metric: 'test', slicer: 'test', options: {}, critical });
    const maintain = (fill: string) =>
      new RestructureMaintainer().maintain({
        model,
        slice,
        trainData: data,
        testData: data,
        options: { fill },
        components: noComponents,
      });
    const meanFilled = await maintain('mean');
    const zeroFilled = await maintain('zero');
    expect(meanFilled.figures.testAccuracy).toBe(meanFilled.figures.testAccuracyMasked);
    expect(meanFilled.figures.parametersAfter).toBe(zeroFilled.figures.parametersAfter);
    // The restructured model's logits equal the mean-filled masked original's, not the zeroed one's.
    const means = await neuronMeanOutputs(model, data, { batchSize: 8 });
    const masks = masksFromNeuronSets(model, critical);
    const fills = Object.fromEntries(
      Object.entries(masks).map(([layer, mask]) => [
        layer,
        tf.tensor1d(Float32Array.from(mask, (keep, index) => (1 - keep) * means[layer][index])),
      ]),
    );
    const expected = tf.tidy(() =>
      model.run(batch.x, {
        masks,
        onNeuronOutput: (layer, output) => tf.add(output, fills[layer.name]),
      }),
    );
    const rebuilt = meanFilled.model as tf.LayersModel;
    const actual = rebuilt.predict(batch.x) as tf.Tensor;
    const zeroed = (zeroFilled.model as tf.LayersModel).predict(batch.x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(zeroed, expected))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([batch.x, expected, actual, zeroed, ...Object.values(fills)]);
    meanFilled.model?.dispose();
    zeroFilled.model?.dispose();
    layersModel.dispose();
  });

  it('reports no accuracy without test data', async () => {
    const model = new NeuronModel(makeTinyCnn({ seed: 2 }));
    const slice = createSlice({
      model,
      metric: 'test',
      slicer: 'test',
      options: {},
      critical: { conv1: [0], conv2: [0], fc1: [0] },
    });
    const report = await new RestructureMaintainer().maintain({
      model,
      slice,
      trainData: makeSeparableDataset({
        samplesPerClass: 1,
        numClasses: 3,
        inputShape: [6, 6, 1],
        seed: 1,
      }),
      options: {},
      components: noComponents,
    });
    expect(report.figures.testAccuracy).toBeUndefined();
    expect(report.figures.parametersAfter).toBeLessThan(report.figures.parametersBefore);
    report.model?.dispose();
    model.model.dispose();
  });

  it.each([
    [{ batchSize: 0 }, /restructure: batchSize must be an integer ≥ 1, got 0/],
    [
      { allowWeightChange: 'yes' },
      /restructure: allowWeightChange must be true or false, got "yes"/,
    ],
    [
      { theta: 0.9 },
      /restructure: unknown option 'theta' \(expected allowWeightChange, batchSize, fill\)/,
    ],
    [{ fill: 'median' }, /restructure: fill must be 'zero' or 'mean', got "median"/],
  ])('refuses options %j', async (options, message) => {
    const model = new NeuronModel(makeTinyCnn({ seed: 2 }));
    const slice = createSlice({ model, metric: 't', slicer: 't', options: {}, critical: {} });
    let caught: unknown;
    try {
      await new RestructureMaintainer().maintain({
        model,
        slice,
        trainData: makeSeparableDataset({
          samplesPerClass: 1,
          numClasses: 3,
          inputShape: [6, 6, 1],
          seed: 1,
        }),
        options,
        components: noComponents,
      });
    } catch (error) {
      caught = error;
    }
    expect(isUsageError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(message);
    model.model.dispose();
  });

  it('is registered by the plugin as the `restructure` maintainer', () => {
    const scope = createTestContainer();
    plugin.register(scope);
    expect(resolveComponent(scope, 'maintainer', 'restructure')).toBeInstanceOf(
      RestructureMaintainer,
    );
  });

  it('runs as the maintainer step of a Pipeline', async () => {
    const scope = createTestContainer();
    plugin.register(scope);
    // Keeps the first half of each layer's neurons: a stand-in for a real slicer plugin.
    const firstHalf: Slicer = {
      name: 'first-half',
      description: 'test slicer',
      async slice({ model, metric, options }) {
        return createSlice({
          model,
          metric: metric.name,
          slicer: 'first-half',
          options,
          critical: Object.fromEntries(
            model.neuronLayers.map((layer) => [
              layer.name,
              Array.from({ length: Math.ceil(layer.units / 2) }, (_, index) => index),
            ]),
          ),
        });
      },
    };
    const data = makeSeparableDataset({
      samplesPerClass: 5,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 6,
    });
    const layersModel = makeTinyMlp({ seed: 8 });
    const { maintenance } = await new Pipeline(scope)
      .model(layersModel)
      .data(data)
      .metric(new MeanActivationMetric())
      .slicer(firstHalf)
      .maintainer('restructure', {}, { trainData: data, testData: data })
      .run();
    expect(maintenance?.model?.getLayer('fc1').getConfig().units).toBe(6);
    expect(maintenance?.figures.testAccuracy).toBe(maintenance?.figures.testAccuracyMasked);
    maintenance?.model?.dispose();
    layersModel.dispose();
  });
});
