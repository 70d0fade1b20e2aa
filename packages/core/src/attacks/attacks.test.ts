import * as tf from '@tensorflow/tfjs';
import { isUsageError } from '../errors';
import { NeuronModel } from '../model/neuron-model';
import { makeSeparableDataset } from '../testing/array-dataset';
import { makeTinyMlp } from '../testing/tiny-models';
import type { Attack } from '../contracts/attack';
import { projectToBall, resolveAttackOptions } from './attack-options';
import {
  accuracyOnSet,
  disposeAdversarialSet,
  makeAdversarialSet,
  robustAccuracy,
} from './robust-accuracy';

/** Moves every input to the top of its ε-ball: deterministic, no gradient. */
const shiftUp: Attack = {
  name: 'shift-up',
  description: 'test attack',
  perturb: (_model, x, _labels, options) =>
    tf.tidy(() => projectToBall(tf.add(x, options.epsilon), x, options.epsilon, [0, 1])),
};

describe('resolveAttackOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveAttackOptions('pgd', { epsilon: 0.3 }, { randomStart: true })).toEqual({
      epsilon: 0.3,
      stepSize: 0.01,
      steps: 40,
      randomStart: true,
      inputRange: [0, 1],
      seed: 0,
      masks: undefined,
    });
  });

  it.each([
    [{ epsilon: -0.1 }, /pgd: epsilon must be a number ≥ 0, got -0.1/],
    [{ epsilon: 0.1, steps: 0 }, /pgd: steps must be an integer ≥ 1, got 0/],
    [{ epsilon: 0.1, stepSize: 0 }, /pgd: stepSize must be a number > 0, got 0/],
    [{ epsilon: 0.1, inputRange: [1, 0] }, /pgd: inputRange must be \[low, high\]/],
    [{ epsilon: 0.1, seed: 1.5 }, /pgd: seed must be an integer ≥ 0/],
    [{ epsilon: 0.1, radius: 2 }, /pgd: unknown option 'radius'/],
  ])('refuses %j with a UsageError naming it', (options, message) => {
    let error: unknown;
    try {
      resolveAttackOptions('pgd', options as never, { randomStart: true });
    } catch (caught) {
      error = caught;
    }
    expect(isUsageError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe('projectToBall', () => {
  it('clips to the ε-ball around x, then to the input range', () => {
    const x = tf.tensor1d([0, 0.5, 1]);
    const candidate = tf.tensor1d([-1, 0.9, 0.2]);
    const projected = projectToBall(candidate, x, 0.25, [0, 1]);
    expect(Array.from(projected.dataSync())).toEqual([0, 0.75, 0.75]);
    tf.dispose([x, candidate, projected]);
  });
});

describe('robust accuracy', () => {
  const model = new NeuronModel(makeTinyMlp({ seed: 9 }));
  const data = makeSeparableDataset({
    samplesPerClass: 5,
    numClasses: 3,
    inputShape: [4, 4, 1],
    seed: 10,
  });
  afterAll(() => model.model.dispose());

  it('scores every sample once, batched, equal to scoring a kept adversarial set', async () => {
    const report = await robustAccuracy(model, data, shiftUp, { epsilon: 0.2 }, { batchSize: 4 });
    expect(report.samples).toBe(15);
    const set = makeAdversarialSet(model, data, shiftUp, { epsilon: 0.2 }, { batchSize: 4 });
    expect(set.size).toBe(15);
    expect(set.batches.map((batch) => batch.shape[0])).toEqual([4, 4, 4, 3]);
    expect(accuracyOnSet(model, set)).toBeCloseTo(report.robustAccuracy, 10);
    const tensorsBefore = tf.memory().numTensors;
    disposeAdversarialSet(set);
    expect(tf.memory().numTensors).toBe(tensorsBefore - 4);
    // ε = 0: the attack changes nothing, so robust equals clean accuracy.
    const unattacked = await robustAccuracy(model, data, shiftUp, { epsilon: 0 }, { batchSize: 4 });
    expect(unattacked.robustAccuracy).toBe(unattacked.cleanAccuracy);
  });

  it('leaks no tensor', async () => {
    await robustAccuracy(model, data, shiftUp, { epsilon: 0.2 }, { batchSize: 4 });
    const tensorsBefore = tf.memory().numTensors;
    await robustAccuracy(model, data, shiftUp, { epsilon: 0.2 }, { batchSize: 4 });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
