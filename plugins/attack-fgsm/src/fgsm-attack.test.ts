import * as tf from '@tensorflow/tfjs';
import { inputGradient, listComponents, NeuronModel, robustAccuracy } from '@neusemslice/core';
import {
  createTestContainer,
  describeAttackContract,
  makeSeparableDataset,
  makeTinyMlp,
} from '@neusemslice/core/testing';
import plugin, { FgsmAttack } from './index';

describeAttackContract(() => new FgsmAttack(), { attackOptions: { epsilon: 0.2 } });

describe('FgsmAttack', () => {
  const model = new NeuronModel(makeTinyMlp({ seed: 5 }));
  afterAll(() => model.model.dispose());

  it('moves every input by exactly ε along the gradient sign where the range allows', () => {
    const x = tf.fill([6, 4, 4, 1], 0.5);
    const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
    const epsilon = 0.25;
    const adversarial = new FgsmAttack().perturb(model, x, labels, { epsilon });
    const gradient = inputGradient(model, x, labels);
    const signs = gradient.dataSync();
    adversarial.dataSync().forEach((value, index) => {
      expect(value).toBeCloseTo(0.5 + epsilon * Math.sign(signs[index]), 6);
    });
    tf.dispose([x, adversarial, gradient]);
  });

  it('clips to the input range', () => {
    const x = tf.tensor4d(
      Float32Array.from({ length: 32 }, (_, i) => (i % 2) * 1),
      [2, 4, 4, 1],
    );
    const adversarial = new FgsmAttack().perturb(model, x, Int32Array.from([0, 1]), {
      epsilon: 0.5,
      inputRange: [0, 1],
    });
    const values = Array.from(adversarial.dataSync());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    tf.dispose([x, adversarial]);
  });

  it('lowers the accuracy of a trained model (robust accuracy ≤ clean accuracy)', async () => {
    const data = makeSeparableDataset({
      samplesPerClass: 10,
      numClasses: 3,
      inputShape: [4, 4, 1],
      seed: 9,
    });
    const report = await robustAccuracy(
      model,
      data,
      new FgsmAttack(),
      { epsilon: 0.3 },
      {
        batchSize: 7,
      },
    );
    expect(report.samples).toBe(30);
    expect(report.robustAccuracy).toBeLessThanOrEqual(report.cleanAccuracy);
  });

  it('registers as the attack `fgsm`', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(listComponents(container, 'attack').map((attack) => attack.name)).toEqual(['fgsm']);
  });
});
