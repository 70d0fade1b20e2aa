import * as tf from '@tensorflow/tfjs';
import { batchCrossEntropy, listComponents, NeuronModel } from '@neusemslice/core';
import {
  createTestContainer,
  describeAttackContract,
  makeTinyMlp,
  trainBriefly,
} from '@neusemslice/core/testing';
import plugin, { PgdAttack } from './index';

// Few steps keep the pure-JS backend fast; the defaults (40 steps) behave the same.
describeAttackContract(() => new PgdAttack(), {
  attackOptions: { epsilon: 0.2, stepSize: 0.05, steps: 5 },
});

describe('PgdAttack', () => {
  const model = new NeuronModel(makeTinyMlp({ seed: 6 }));
  const x = tf.randomUniform([12, 4, 4, 1], 0, 1, 'float32', 3);
  const labels = Int32Array.from({ length: 12 }, (_, index) => index % 3);
  beforeAll(() => trainBriefly(model.model, x, labels, 20));
  afterAll(() => {
    model.model.dispose();
    x.dispose();
  });

  it('starts at a seeded random point: other seeds give other results, none with randomStart false', () => {
    const options = { epsilon: 0.2, stepSize: 0.01, steps: 1 };
    const [a, b] = [1, 2].map((seed) =>
      new PgdAttack().perturb(model, x, labels, { ...options, seed }),
    );
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(b.dataSync()));
    const [c, d] = [1, 2].map((seed) =>
      new PgdAttack().perturb(model, x, labels, { ...options, seed, randomStart: false }),
    );
    expect(Array.from(c.dataSync())).toEqual(Array.from(d.dataSync()));
    tf.dispose([a, b, c, d]);
  });

  it('raises the loss above the clean loss with one full step and with many small ones', () => {
    const epsilon = 0.1;
    const one = new PgdAttack().perturb(model, x, labels, {
      epsilon,
      stepSize: epsilon,
      steps: 1,
      randomStart: false,
    });
    const many = new PgdAttack().perturb(model, x, labels, {
      epsilon,
      stepSize: 0.02,
      steps: 15,
      randomStart: false,
    });
    const clean = batchCrossEntropy(model, x, labels);
    expect(batchCrossEntropy(model, one, labels)).toBeGreaterThan(clean);
    expect(batchCrossEntropy(model, many, labels)).toBeGreaterThan(clean);
    tf.dispose([one, many]);
  });

  it('registers as the attack `pgd`', () => {
    const container = createTestContainer();
    plugin.register(container);
    expect(listComponents(container, 'attack').map((attack) => attack.name)).toEqual(['pgd']);
  });
});
