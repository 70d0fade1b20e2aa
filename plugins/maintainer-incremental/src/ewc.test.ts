import * as tf from '@tensorflow/tfjs';
import { makeSeparableDataset, makeTinyMlp } from '@neusemslice/core/testing';
import { disposeAnchors, ewcPenalty, fisherAnchors, fisherBytes } from './ewc';

function setup() {
  const model = makeTinyMlp({ hidden: [5], numClasses: 3, seed: 9 });
  const data = makeSeparableDataset({
    samplesPerClass: 4,
    numClasses: 3,
    inputShape: [4, 4, 1],
    seed: 2,
  });
  const anchors = fisherAnchors(model, data);
  return { model, anchors };
}

describe('EWC', () => {
  it('has a non-negative Fisher diagonal with one float32 per trainable weight', () => {
    const { model, anchors } = setup();
    const parameters = model.trainableWeights.reduce((sum, weight) => sum + weight.read().size, 0);
    expect(fisherBytes(anchors)).toBe(4 * parameters);
    for (const { fisher } of anchors) expect(tf.min(fisher).arraySync()).toBeGreaterThanOrEqual(0);
    expect(anchors.some(({ fisher }) => (tf.max(fisher).arraySync() as number) > 0)).toBe(true);
    disposeAnchors(anchors);
    model.dispose();
  });

  it('has a zero penalty at the task-A weights', () => {
    const { model, anchors } = setup();
    const penalty = ewcPenalty(anchors, 1000);
    expect(penalty.arraySync()).toBe(0);
    penalty.dispose();
    disposeAnchors(anchors);
    model.dispose();
  });

  it('has a gradient that matches finite differences away from θ*', () => {
    const { model, anchors } = setup();
    const lambda = 50;
    // Move every weight away from θ* so the gradient is not zero.
    anchors.forEach(({ variable }, index) => {
      variable.assign(
        tf.tidy(() =>
          tf.add(variable, tf.randomNormal(variable.shape, 0, 0.3, 'float32', 40 + index)),
        ),
      );
    });
    const variables = anchors.map(({ variable }) => variable);
    const { value, grads } = tf.variableGrads(() => ewcPenalty(anchors, lambda), variables);
    value.dispose();
    const step = 1e-2;
    for (const { variable } of anchors.slice(0, 2)) {
      const analytic = grads[variable.name].dataSync();
      const original = variable.dataSync().slice();
      for (const entry of [0, Math.floor(original.length / 2), original.length - 1]) {
        const shifted = (delta: number) => {
          const changed = original.slice();
          changed[entry] += delta;
          variable.assign(tf.tensor(changed, variable.shape));
          const penalty = ewcPenalty(anchors, lambda);
          const result = penalty.dataSync()[0];
          penalty.dispose();
          return result;
        };
        const numeric = (shifted(step) - shifted(-step)) / (2 * step);
        variable.assign(tf.tensor(original, variable.shape));
        expect(analytic[entry]).toBeCloseTo(numeric, 1);
        expect(Math.abs(analytic[entry] - numeric)).toBeLessThan(
          1e-2 * Math.max(1, Math.abs(numeric)),
        );
      }
    }
    tf.dispose(Object.values(grads));
    disposeAnchors(anchors);
    model.dispose();
  });
});
