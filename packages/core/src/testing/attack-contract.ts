import * as tf from '@tensorflow/tfjs';
import type { Attack, AttackOptions } from '../contracts/attack';
import { isUsageError } from '../errors';
import { batchCrossEntropy } from '../attacks/input-gradient';
import { NeuronModel } from '../model/neuron-model';
import { makeTinyCnn, makeTinyMlp } from './tiny-models';

interface AttackFixture {
  label: string;
  model: NeuronModel;
  /** Inputs in [0, 1], seeded. */
  x: tf.Tensor;
  labels: Int32Array;
}

function makeFixtures(): AttackFixture[] {
  const mlp = new NeuronModel(makeTinyMlp({ seed: 41 }));
  const cnn = new NeuronModel(makeTinyCnn({ seed: 42 }));
  return [
    { label: 'MLP', model: mlp, shape: [4, 4, 1], seed: 43 },
    { label: 'CNN with batch-norm', model: cnn, shape: [6, 6, 1], seed: 44 },
  ].map(({ label, model, shape, seed }) => {
    const batch = 9;
    return {
      label,
      model,
      x: tf.randomUniform([batch, ...shape], 0, 1, 'float32', seed),
      labels: Int32Array.from({ length: batch }, (_, index) => index % model.numClasses),
    };
  });
}

function disposeFixture(fixture: AttackFixture): void {
  fixture.x.dispose();
  fixture.model.model.dispose();
}

function thrown(run: () => unknown): unknown {
  try {
    tf.dispose(run() as tf.Tensor);
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * The behaviour every Attack must have (FGSM, PGD …), on a tiny MLP and a tiny CNN: ε = 0 changes
 * nothing; every output lies in the ε-ball and the input range; the loss does not fall below the
 * clean loss; a seed makes it repeatable; bad options (negative ε, steps 0) are UsageErrors naming
 * them; no tensor is left behind. `options` are valid options of the attack under test.
 */
export function describeAttackContract(
  makeAttack: () => Attack,
  options: { attackOptions: AttackOptions },
): void {
  const valid = options.attackOptions;
  describe(`Attack contract: ${makeAttack().name}`, () => {
    for (const fixture of makeFixtures()) {
      describe(fixture.label, () => {
        afterAll(() => disposeFixture(fixture));
        const { model, x, labels } = fixture;

        it('changes nothing with ε = 0', () => {
          const adversarial = makeAttack().perturb(model, x, labels, { ...valid, epsilon: 0 });
          expect(adversarial.shape).toEqual(x.shape);
          expect(Array.from(adversarial.dataSync())).toEqual(Array.from(x.dataSync()));
          adversarial.dispose();
        });

        it('keeps every output inside the ε-ball and the input range, and does not lower the loss', () => {
          const epsilon = valid.epsilon > 0 ? valid.epsilon : 0.1;
          const adversarial = makeAttack().perturb(model, x, labels, { ...valid, epsilon });
          const before = x.dataSync();
          const after = adversarial.dataSync();
          const [low, high] = valid.inputRange ?? [0, 1];
          let worstDistance = 0;
          let outside = 0;
          after.forEach((value, index) => {
            worstDistance = Math.max(worstDistance, Math.abs(value - before[index]));
            if (value < low || value > high) outside++;
          });
          expect(worstDistance).toBeLessThanOrEqual(epsilon + 1e-6);
          expect(outside).toBe(0);
          // The attack moved the inputs at all.
          expect(worstDistance).toBeGreaterThan(0);
          const cleanLoss = batchCrossEntropy(model, x, labels);
          const attackedLoss = batchCrossEntropy(model, adversarial, labels);
          expect(attackedLoss).toBeGreaterThanOrEqual(cleanLoss - 1e-6);
          adversarial.dispose();
        });

        it('gives the same result twice with the same seed', () => {
          const first = makeAttack().perturb(model, x, labels, { ...valid, seed: 5 });
          const second = makeAttack().perturb(model, x, labels, { ...valid, seed: 5 });
          expect(Array.from(second.dataSync())).toEqual(Array.from(first.dataSync()));
          tf.dispose([first, second]);
        });

        it('refuses a negative ε and 0 steps with UsageErrors naming them', () => {
          const negative = thrown(() =>
            makeAttack().perturb(model, x, labels, { ...valid, epsilon: -0.1 }),
          );
          expect(isUsageError(negative)).toBe(true);
          expect((negative as Error).message).toContain('epsilon');
          const noSteps = thrown(() =>
            makeAttack().perturb(model, x, labels, { ...valid, steps: 0 }),
          );
          expect(isUsageError(noSteps)).toBe(true);
          expect((noSteps as Error).message).toContain('steps');
        });

        it('leaves no tensor behind but its result', () => {
          tf.dispose(makeAttack().perturb(model, x, labels, valid));
          const tensorsBefore = tf.memory().numTensors;
          for (let round = 0; round < 3; round++) {
            tf.dispose(makeAttack().perturb(model, x, labels, { ...valid, seed: round }));
          }
          expect(tf.memory().numTensors).toBe(tensorsBefore);
        });
      });
    }
  });
}
