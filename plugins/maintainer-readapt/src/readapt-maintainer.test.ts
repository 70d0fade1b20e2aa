import * as tf from '@tensorflow/tfjs';
import {
  type Attack,
  type AttackOptions,
  type ComponentLookup,
  createSlice,
  inputGradient,
  isUsageError,
  type NeuronModel as NeuronModelType,
  NeuronModel,
  projectToBall,
  resolveAttackOptions,
  type Slice,
  UsageError,
  weightOwnership,
} from '@neusemslice/core';
import {
  describeMaintainerContract,
  makeSeparableDataset,
  makeTinyCnn,
  makeTinyMlp,
  trainBriefly,
} from '@neusemslice/core/testing';
import { ReadaptMaintainer } from './index';

/** A one-step sign-gradient attack written here: tests never import another plugin package. */
class SignStepAttack implements Attack {
  readonly name = 'fgsm';
  readonly description = 'test attack';
  perturb(model: NeuronModelType, x: tf.Tensor, labels: Int32Array, options: AttackOptions) {
    const settings = resolveAttackOptions('fgsm', options, { randomStart: false });
    return tf.tidy(() => {
      const gradient = inputGradient(model, x, labels);
      const stepped = tf.add(x, tf.mul(tf.sign(gradient), settings.epsilon));
      return projectToBall(stepped, x, settings.epsilon, settings.inputRange);
    });
  }
}

const components: ComponentLookup = ((kind: string, name: string) => {
  if (kind === 'attack' && name === 'fgsm') return new SignStepAttack();
  throw new UsageError(`no ${kind} '${name}' in this test`);
}) as ComponentLookup;

describeMaintainerContract(
  () => new ReadaptMaintainer(),
  (fixture) => ({
    trainData: fixture.data,
    testData: fixture.data,
    options: { attack: 'fgsm', strategy: 'neusemslice', epochs: 1, batchSize: 8, epsilon: 0.2 },
    components,
  }),
);

function keepEveryOther(model: NeuronModel): Slice {
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

/** Index of the neuron that owns flat entry `index` of a weight, along the owner axis. */
function ownerIndex(shape: readonly number[], axis: number, index: number): number {
  const stride = shape.slice(axis + 1).reduce((product, size) => product * size, 1);
  return Math.floor(index / stride) % shape[axis];
}

const fixtures = () => [
  {
    label: 'MLP',
    model: new NeuronModel(makeTinyMlp({ seed: 61 })),
    data: makeSeparableDataset({
      samplesPerClass: 8,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 62,
    }),
  },
  {
    label: 'CNN with batch-norm',
    model: new NeuronModel(makeTinyCnn({ seed: 63 })),
    data: makeSeparableDataset({
      samplesPerClass: 6,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 64,
    }),
  },
];

describe('ReadaptMaintainer', () => {
  for (const optimizer of ['adam', 'sgd', 'momentum'] as const) {
    for (const strategy of ['neusemslice', 'neusemslice+deeparc'] as const) {
      it(`keeps every parameter outside the slice bit-identical (${optimizer}, ${strategy})`, async () => {
        for (const { model, data } of fixtures()) {
          const slice = keepEveryOther(model);
          const report = await new ReadaptMaintainer().maintain({
            model,
            slice,
            trainData: data,
            options: {
              attack: 'fgsm',
              strategy,
              epochs: 2,
              batchSize: 8,
              optimizer,
              learningRate: optimizer === 'adam' ? 0.01 : 0.1,
            },
            components,
          });
          const trainedBlocks = report.details?.trainedBlocks as string[];
          const repaired = new NeuronModel(report.model as tf.LayersModel);
          const before = weightOwnership(model);
          const after = weightOwnership(repaired);
          let changedInside = 0;
          before.forEach((weight, position) => {
            const old = weight.variable.read().dataSync();
            const fresh = after[position].variable.read().dataSync();
            const owner = weight.ownerNeuronLayer;
            const layerTrained =
              owner !== undefined &&
              weight.trainable &&
              (strategy === 'neusemslice' || trainedBlocks.includes(owner));
            old.forEach((value, index) => {
              const inside =
                layerTrained &&
                slice.critical[owner as string].includes(
                  ownerIndex(weight.shape, weight.ownerAxis as number, index),
                );
              if (inside) {
                if (fresh[index] !== value) changedInside++;
              } else {
                // Bit-identical: the same float32 value, compared exactly.
                expect([weight.layerName, weight.position, index, fresh[index]]).toEqual([
                  weight.layerName,
                  weight.position,
                  index,
                  value,
                ]);
              }
            });
          });
          expect(changedInside).toBeGreaterThan(0);
          report.model?.dispose();
          model.model.dispose();
        }
      });
    }
  }

  it('counts TPR by hand on a tiny MLP: incoming weights and bias of critical neurons', async () => {
    const model = new NeuronModel(makeTinyMlp({ seed: 71, hidden: [12, 8] })); // 16-12-8-3
    const data = makeSeparableDataset({
      samplesPerClass: 4,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 72,
    });
    const slice = keepEveryOther(model); // fc1: 6 of 12, fc2: 4 of 8
    const total = 16 * 12 + 12 + 12 * 8 + 8 + 8 * 3 + 3;
    const expected: Record<string, number> = {
      neusemslice: (6 * (16 + 1) + 4 * (12 + 1)) / total,
      full: 1,
    };
    for (const strategy of ['neusemslice', 'full', 'deeparc', 'neusemslice+deeparc']) {
      const report = await new ReadaptMaintainer().maintain({
        model,
        slice,
        trainData: data,
        options: { attack: 'fgsm', strategy, epochs: 1, batchSize: 12 },
        components,
      });
      const [block] = report.details?.trainedBlocks as string[];
      if (strategy === 'deeparc') {
        expected.deeparc = (block === 'fc1' ? 12 * (16 + 1) : 8 * (12 + 1)) / total;
      }
      if (strategy === 'neusemslice+deeparc') {
        expected[strategy] = (block === 'fc1' ? 6 * (16 + 1) : 4 * (12 + 1)) / total;
      }
      expect([strategy, report.figures.tpr]).toEqual([strategy, expected[strategy]]);
      expect(report.figures.totalParameters).toBe(total);
      report.model?.dispose();
    }
    model.model.dispose();
  });

  it('raises the accuracy on the adversarial set it was trained against', async () => {
    const model = new NeuronModel(makeTinyMlp({ seed: 81 }));
    const data = makeSeparableDataset({
      samplesPerClass: 10,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 82,
    });
    const [batch] = [...data.batches(data.size)];
    trainBriefly(model.model, batch.x, batch.labels, 40);
    batch.x.dispose();
    const report = await new ReadaptMaintainer().maintain({
      model,
      slice: keepEveryOther(model),
      trainData: data,
      testData: data,
      options: {
        attack: 'fgsm',
        strategy: 'full',
        epochs: 15,
        batchSize: 10,
        epsilon: 0.3,
        learningRate: 0.01,
      },
      components,
    });
    expect(report.figures.ra).toBeGreaterThan(report.figures.robustAccuracyBefore);
    report.model?.dispose();
    model.model.dispose();
  });

  it('refuses bad options with UsageErrors naming them', async () => {
    const { model, data } = fixtures()[0];
    for (const [options, named] of [
      [{ attack: 'cw', strategy: 'full' }, 'attack'],
      [{ attack: 'fgsm', strategy: 'half' }, 'strategy'],
      [{ attack: 'fgsm', strategy: 'full', epochs: 0 }, 'epochs'],
      [{ attack: 'fgsm', strategy: 'full', epsilon: -1 }, 'epsilon'],
    ] as const) {
      const error = await new ReadaptMaintainer()
        .maintain({ model, slice: keepEveryOther(model), trainData: data, options, components })
        .catch((caught: unknown) => caught);
      expect(isUsageError(error)).toBe(true);
      expect((error as Error).message).toContain(named);
    }
    model.model.dispose();
  });
});
