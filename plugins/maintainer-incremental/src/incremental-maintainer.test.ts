import * as tf from '@tensorflow/tfjs';
import {
  type ComponentLookup,
  createSlice,
  isUsageError,
  type LabeledDataset,
  type MaintenanceReport,
  NeuronModel,
  type Slice,
  type Slicer,
} from '@neusemslice/core';
import {
  describeMaintainerContract,
  makeSeparableDataset,
  makeTinyCnn,
  makeTinyMlp,
} from '@neusemslice/core/testing';
import { classSubset } from '@neusemslice/data';
import { trainModel } from '@neusemslice/models';
import { IncrementalMaintainer } from './incremental-maintainer';

const NUM_CLASSES = 4;
const TASK_A = [0, 1];
const TASK_B = [2, 3];

function fourClassData(inputShape: number[], seed: number): LabeledDataset {
  return makeSeparableDataset({ samplesPerClass: 12, numClasses: NUM_CLASSES, inputShape, seed });
}

/** A tiny model trained on task A only, with a head for all four classes. */
async function taskAModel(kind: 'mlp' | 'cnn', data: LabeledDataset): Promise<NeuronModel> {
  const model =
    kind === 'mlp'
      ? makeTinyMlp({ numClasses: NUM_CLASSES, seed: 5 })
      : makeTinyCnn({ numClasses: NUM_CLASSES, seed: 6 });
  await trainModel(model, classSubset(data, TASK_A), {
    epochs: 4,
    batchSize: 8,
    learningRate: 0.01,
    seed: 1,
  });
  return new NeuronModel(model);
}

/** Every other neuron (even indices) of each layer is critical. */
function everyOther(model: NeuronModel): Slice {
  return createSlice({
    model,
    metric: 'test',
    slicer: 'every-other',
    options: {},
    critical: Object.fromEntries(
      model.neuronLayers.map((layer) => [
        layer.name,
        Array.from({ length: layer.units }, (_, index) => index).filter((index) => index % 2 === 0),
      ]),
    ),
  });
}

function emptySlice(model: NeuronModel): Slice {
  return createSlice({ model, metric: 'test', slicer: 'empty', options: {}, critical: {} });
}

const noComponents: ComponentLookup = (kind, name) => {
  throw new Error(`no ${kind} '${name}' in this test`);
};

async function maintain(
  model: NeuronModel,
  slice: Slice,
  data: LabeledDataset,
  options: Record<string, unknown>,
  components: ComponentLookup = noComponents,
): Promise<MaintenanceReport> {
  return new IncrementalMaintainer().maintain({
    model,
    slice,
    trainData: data,
    testData: data,
    options: { taskA: TASK_A, taskB: TASK_B, epochs: 3, batchSize: 8, seed: 3, ...options },
    components,
  });
}

function values(model: tf.LayersModel, layerName: string, position: number): Float32Array {
  return model.getLayer(layerName).getWeights()[position].dataSync() as Float32Array;
}

/**
 * The entries of a weight tensor whose last-axis index (the owning neuron or output unit) is in
 * `owners`, as raw bytes: equal bytes mean bit-identical values.
 */
function ownedEntries(weight: Float32Array, lastAxis: number, owners: Set<number>): number[] {
  const bits = new Uint32Array(weight.buffer, weight.byteOffset, weight.length);
  const kept: number[] = [];
  for (let index = 0; index < weight.length; index++) {
    if (owners.has(index % lastAxis)) kept.push(bits[index]);
  }
  return kept;
}

function ownedBy(model: tf.LayersModel, layerName: string, owners: Set<number>) {
  const layer = model.getLayer(layerName);
  return layer.getWeights().map((weight) => {
    const lastAxis = weight.shape[weight.shape.length - 1];
    return ownedEntries(weight.dataSync() as Float32Array, lastAxis, owners);
  });
}

describe('IncrementalMaintainer (neusemslice)', () => {
  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`keeps every critical parameter and A's output units bit-identical (${optimizer})`, async () => {
      const data = fourClassData([4, 4, 1], 11);
      const model = await taskAModel('mlp', data);
      const slice = everyOther(model);
      const report = await maintain(model, slice, data, {
        strategy: 'neusemslice',
        optimizer,
        epochs: 8,
        learningRate: optimizer === 'adam' ? 0.03 : 0.3,
      });
      const trained = report.model as tf.LayersModel;
      for (const layer of model.neuronLayers) {
        const critical = new Set(slice.critical[layer.name]);
        expect(ownedBy(trained, layer.name, critical)).toEqual(
          ownedBy(model.model, layer.name, critical),
        );
        // The non-critical neurons did learn (the check above could otherwise pass vacuously).
        const free = new Set(
          Array.from({ length: layer.units }, (_, index) => index).filter((i) => !critical.has(i)),
        );
        expect(ownedBy(trained, layer.name, free)).not.toEqual(
          ownedBy(model.model, layer.name, free),
        );
      }
      const outputsA = new Set(TASK_A);
      expect(ownedBy(trained, 'logits', outputsA)).toEqual(
        ownedBy(model.model, 'logits', outputsA),
      );
      expect(ownedBy(trained, 'logits', new Set(TASK_B))).not.toEqual(
        ownedBy(model.model, 'logits', new Set(TASK_B)),
      );
      expect(report.figures.taskB).toBeGreaterThan(report.figures.taskBBefore);
      trained.dispose();
      model.model.dispose();
    });
  }

  it("keeps a CNN's critical filters and their batch-norm entries bit-identical", async () => {
    const data = fourClassData([6, 6, 1], 12);
    const model = await taskAModel('cnn', data);
    const slice = everyOther(model);
    const report = await maintain(model, slice, data, {
      strategy: 'neusemslice',
      learningRate: 0.01,
    });
    const trained = report.model as tf.LayersModel;
    const critical = new Set(slice.critical.conv1);
    // bn1 holds γ, β and the moving mean and variance of conv1's filters.
    for (const layerName of ['conv1', 'bn1']) {
      expect(ownedBy(trained, layerName, critical)).toEqual(
        ownedBy(model.model, layerName, critical),
      );
    }
    expect(ownedBy(trained, 'conv2', new Set(slice.critical.conv2))).toEqual(
      ownedBy(model.model, 'conv2', new Set(slice.critical.conv2)),
    );
    trained.dispose();
    model.model.dispose();
  });

  it('equals retrain with an empty slice (same weights, same seed)', async () => {
    const data = fourClassData([4, 4, 1], 13);
    const model = await taskAModel('mlp', data);
    const sliced = await maintain(model, emptySlice(model), data, { strategy: 'neusemslice' });
    const retrained = await maintain(model, emptySlice(model), data, { strategy: 'retrain' });
    for (const layer of (sliced.model as tf.LayersModel).layers) {
      layer.getWeights().forEach((_, position) => {
        expect(values(sliced.model as tf.LayersModel, layer.name, position)).toEqual(
          values(retrained.model as tf.LayersModel, layer.name, position),
        );
      });
    }
    expect(values(sliced.model as tf.LayersModel, 'fc1', 0)).not.toEqual(
      values(model.model, 'fc1', 0),
    );
    sliced.model?.dispose();
    retrained.model?.dispose();
    model.model.dispose();
  });
});

describe('IncrementalMaintainer (baselines and figures)', () => {
  it('replays the asked share of task A and reports what it keeps', async () => {
    const data = fourClassData([4, 4, 1], 14);
    const model = await taskAModel('mlp', data);
    const report = await maintain(model, everyOther(model), data, {
      strategy: 'replay',
      replay: 0.25,
    });
    // 12 samples per class: task B has 24, a quarter of task A's 24 is 6.
    expect(report.figures.replaySamples).toBe(6);
    expect(report.figures.trainingSamples).toBe(30);
    expect(report.figures.bytesKeptFromTaskA).toBe(6 * (16 + 1));
    expect(report.figures.bwt).toBeCloseTo(report.figures.taskA - report.figures.taskABefore, 12);
    report.model?.dispose();
    model.model.dispose();
  });

  it('says so in the figures when DeepArc finds no redundant layer, and trains nothing', async () => {
    const data = fourClassData([4, 4, 1], 15);
    const model = await taskAModel('mlp', data);
    const keepsAll: Slicer = {
      name: 'deeparc',
      description: 'test double: no layer is redundant',
      slice: async (request) =>
        createSlice({
          model: request.model,
          metric: 'none',
          slicer: 'deeparc',
          options: {},
          critical: Object.fromEntries(
            request.model.neuronLayers.map((layer) => [
              layer.name,
              Array.from({ length: layer.units }, (_, index) => index),
            ]),
          ),
        }),
    };
    const lookup = ((kind: string, name: string) => {
      if (kind === 'slicer' && name === 'deeparc') return keepsAll;
      throw new Error(`unexpected ${kind} ${name}`);
    }) as ComponentLookup;
    const report = await maintain(
      model,
      everyOther(model),
      data,
      { strategy: 'deeparc', deeparcPerClass: 4 },
      lookup,
    );
    expect(report.figures.redundantLayers).toBe(0);
    expect(report.figures.trainedParameters).toBe(0);
    expect(report.details?.note).toContain('no redundant layer');
    expect(values(report.model as tf.LayersModel, 'fc1', 0)).toEqual(values(model.model, 'fc1', 0));
    report.model?.dispose();
    model.model.dispose();
  });

  it('refuses overlapping tasks and a missing test set with UsageErrors', async () => {
    const data = fourClassData([4, 4, 1], 16);
    const model = new NeuronModel(makeTinyMlp({ numClasses: NUM_CLASSES, seed: 7 }));
    const overlap = await maintain(model, everyOther(model), data, { taskB: [1, 2, 3] }).catch(
      (error: unknown) => error,
    );
    expect(isUsageError(overlap)).toBe(true);
    expect((overlap as Error).message).toContain('share a class');
    const noTest = await new IncrementalMaintainer()
      .maintain({
        model,
        slice: everyOther(model),
        trainData: data,
        options: {},
        components: noComponents,
      })
      .catch((error: unknown) => error);
    expect(isUsageError(noTest)).toBe(true);
    model.model.dispose();
  });

  it('leaks no tensor over repeated EWC runs', async () => {
    const data = fourClassData([4, 4, 1], 17);
    const model = await taskAModel('mlp', data);
    const options = { strategy: 'ewc', fisherSamples: 8, epochs: 1 };
    (await maintain(model, everyOther(model), data, options)).model?.dispose();
    const before = tf.memory().numTensors;
    const report = await maintain(model, everyOther(model), data, options);
    report.model?.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(report.figures.bytesKeptFromTaskA).toBe(4 * report.figures.trainedParameters);
    model.model.dispose();
  });
});

describeMaintainerContract(
  () => new IncrementalMaintainer(),
  (fixture) => ({
    trainData: fixture.data,
    testData: fixture.data,
    options: { strategy: 'neusemslice', epochs: 1, batchSize: 8 },
  }),
);
