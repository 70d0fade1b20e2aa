import * as tf from '@tensorflow/tfjs';
import {
  componentLookup,
  createSlice,
  evaluateAccuracy,
  type Maintainer,
  type MaintenanceRequest,
  NeuronModel,
  Pipeline,
  provide,
  type Slicer,
} from '@neusemslice/core';
import {
  createTestContainer,
  describeMaintainerContract,
  makeSeparableDataset,
  makeTinyMlp,
  MeanActivationMetric,
  trainBriefly,
} from '@neusemslice/core/testing';
import { TestMagnitudePruner } from './__fixtures__/magnitude-pruner';
import { cloneModel } from './clone-model';
import { fullSlice } from './full-slice';
import plugin from '../index';
import { parameterCount } from './clone-model';
import { prunableKernels, prunableWeightCount } from './prunable-weights';
import { PruneMaintainer } from './prune-maintainer';

const train = makeSeparableDataset({
  samplesPerClass: 30,
  numClasses: 3,
  inputShape: [4, 4, 1],
  seed: 21,
});
const test = makeSeparableDataset({
  samplesPerClass: 20,
  numClasses: 3,
  inputShape: [4, 4, 1],
  seed: 21,
});
const fineTune = { samples: 60, batchSize: 16, learningRate: 0.01 };

/** Keeps every neuron whose index is not a multiple of 4 (the metric is not consulted). */
const everyFourthDropped: Slicer = {
  name: 'drop-every-fourth',
  description: 'test slicer',
  async slice({ model, metric, options }) {
    return createSlice({
      model,
      metric: metric.name,
      slicer: 'drop-every-fourth',
      options,
      critical: Object.fromEntries(
        model.neuronLayers.map((layer) => [
          layer.name,
          Array.from({ length: layer.units }, (_, index) => index).filter((i) => i % 4 !== 0),
        ]),
      ),
    });
  },
};

/** Stands in for the restructure maintainer: records its requests, returns a copy. */
class RecordingRestructure implements Maintainer {
  readonly name = 'restructure';
  readonly description = 'test stand-in';
  readonly requests: MaintenanceRequest[] = [];
  async maintain(request: MaintenanceRequest) {
    this.requests.push(request);
    return { figures: {}, model: await cloneModel(request.model.model) };
  }
}

function trainedModel(): tf.LayersModel {
  const model = makeTinyMlp({ seed: 4 });
  const [all] = [...train.batches(train.size)];
  trainBriefly(model, all.x, all.labels, 60, 0.2);
  all.x.dispose();
  return model;
}

function setup() {
  const container = createTestContainer();
  const pruner = new TestMagnitudePruner();
  const restructure = new RecordingRestructure();
  provide(container, 'pruner', pruner, 'test');
  provide(container, 'maintainer', new PruneMaintainer(), 'test');
  provide(container, 'maintainer', restructure, 'test');
  provide(container, 'metric', new MeanActivationMetric(), 'test');
  provide(container, 'slicer', everyFourthDropped, 'test');
  return { container, pruner, restructure };
}

describe('PruneMaintainer', () => {
  const original = trainedModel();
  afterAll(() => original.dispose());

  it('runs in a Pipeline: slice → prune (with the pruner found by name) → restructure', async () => {
    const { container, pruner, restructure } = setup();
    const { slice, maintenance } = await new Pipeline(container)
      .model(original)
      .data(train)
      .metric('mean-activation')
      .slicer('drop-every-fourth')
      .maintainer(
        'prune',
        { pruner: 'test-magnitude', step: 0.2, maxIterations: 2, tolerance: 100, fineTune },
        { trainData: train, testData: test },
      )
      .run();
    expect(maintenance).toBeDefined();
    const report = maintenance as NonNullable<typeof maintenance>;
    expect(pruner.requests).toHaveLength(2);
    expect(restructure.requests).toHaveLength(1);
    expect(restructure.requests[0].slice.critical).toEqual(slice.critical);
    expect(report.figures.iterations).toBe(2);
    expect(report.figures.compressionRate).toBeGreaterThan(report.figures.sliceCompressionRate);
    expect(report.figures.sliceCompressionRate).toBeGreaterThan(0);
    expect(report.details?.restructured).toBe(true);
    expect(report.details?.history).toHaveLength(2);
    expect(report.model).toBeDefined();
    report.model?.dispose();
  });

  it('with the real restructure maintainer returns a smaller model whose pruned weights are zero', async () => {
    const container = createTestContainer();
    plugin.register(container);
    provide(container, 'pruner', new TestMagnitudePruner(), 'test');
    provide(container, 'metric', new MeanActivationMetric(), 'test');
    provide(container, 'slicer', everyFourthDropped, 'test');
    const { maintenance } = await new Pipeline(container)
      .model(original)
      .data(train)
      .metric('mean-activation')
      .slicer('drop-every-fourth')
      .maintainer(
        'prune',
        { pruner: 'test-magnitude', step: 0.2, maxIterations: 2, tolerance: 100, fineTune },
        { trainData: train, testData: test },
      )
      .run();
    const report = maintenance as NonNullable<typeof maintenance>;
    const small = report.model as tf.LayersModel;
    expect(parameterCount(small)).toBeLessThan(parameterCount(original));
    const kernels = prunableKernels(new NeuronModel(small));
    const entries = prunableWeightCount(kernels);
    let zeros = 0;
    for (const kernel of kernels) {
      for (const value of kernel.variable.read().dataSync()) if (value === 0) zeros++;
    }
    // Every pruned entry the small model still holds is exactly zero.
    expect(zeros).toBeGreaterThanOrEqual(entries - report.figures.prunableWeightsAfter);
    expect(report.figures.parametersAfter).toBe(
      parameterCount(small) - (entries - report.figures.prunableWeightsAfter),
    );
    const { accuracy } = await evaluateAccuracy(new NeuronModel(small), test);
    expect(accuracy).toBe(report.figures.testAccuracy);
    small.dispose();
  });

  it('is the pruner alone with fullSlice: nothing restructured', async () => {
    const { container, pruner, restructure } = setup();
    const model = new NeuronModel(original);
    const report = await new PruneMaintainer().maintain({
      model,
      slice: fullSlice(model),
      trainData: train,
      testData: test,
      options: { pruner: 'test-magnitude', maxIterations: 1, tolerance: 100, fineTune },
      components: componentLookup(container),
    });
    expect(pruner.requests[0].targetSparsity).toBeCloseTo(0.1, 10);
    expect(restructure.requests).toHaveLength(0);
    expect(report.figures.sliceCompressionRate).toBe(0);
    expect(report.details?.restructured).toBe(false);
    report.model?.dispose();
  });

  it('checks its options on entry and names what is wrong', async () => {
    const { container } = setup();
    const model = new NeuronModel(original);
    const request = (options: Record<string, unknown>, testData = test) =>
      new PruneMaintainer().maintain({
        model,
        slice: fullSlice(model),
        trainData: train,
        testData,
        options,
        components: componentLookup(container),
      });
    await expect(request({})).rejects.toThrow(/option 'pruner' must name a pruner/);
    await expect(request({ pruner: 'lamp' })).rejects.toThrow(
      /unknown pruner 'lamp' \(registered: test-magnitude\)/,
    );
    await expect(request({ pruner: 'test-magnitude', stepp: 0.1 })).rejects.toThrow(
      /unknown option 'stepp'/,
    );
    await expect(request({ pruner: 'test-magnitude', fineTune: { samples: 0 } })).rejects.toThrow(
      /fineTune.samples must be an integer ≥ 1, got 0/,
    );
    await expect(request({ pruner: 'test-magnitude', step: 0 })).rejects.toThrow(/step/);
    await expect(
      new PruneMaintainer().maintain({
        model,
        slice: fullSlice(model),
        trainData: train,
        options: { pruner: 'test-magnitude' },
        components: componentLookup(container),
      }),
    ).rejects.toThrow(/testData is required/);
  });
});

describeMaintainerContract(
  () => new PruneMaintainer(),
  (fixture) => {
    const container = createTestContainer();
    plugin.register(container);
    provide(container, 'pruner', new TestMagnitudePruner(), 'test');
    return {
      trainData: fixture.data,
      testData: fixture.data,
      options: {
        pruner: 'test-magnitude',
        maxIterations: 2,
        tolerance: 100,
        fineTune: { samples: 16, batchSize: 8 },
      },
      components: componentLookup(container),
    };
  },
);
