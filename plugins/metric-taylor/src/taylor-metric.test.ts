import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '@neusemslice/core';
import {
  describeMetricContract,
  hiddenOutputs,
  makeSeparableDataset,
  makeTinyCnn,
  makeTwoNeuronNet,
  TWO_NET_INPUTS,
  TWO_NET_LABELS,
  TWO_NET_LOGITS_BIAS,
  TWO_NET_LOGITS_KERNEL,
  twoNeuronData,
} from '@neusemslice/core/testing';
import { gateGradients } from './gate-gradients';
import { TaylorMetric } from './taylor-metric';

/**
 * The two-neuron net's Taylor scores in plain JS (float64): per minibatch (Σ_batch h · ∂L/∂h)²,
 * with ∂L/∂h = Kᵀ (softmax(logits) − onehot(label)) / batch size, averaged over minibatches.
 */
function taylorByHand(batchSize: number): number[] {
  const perBatch: number[][] = [];
  for (let start = 0; start < TWO_NET_INPUTS.length; start += batchSize) {
    const rows = TWO_NET_INPUTS.slice(start, start + batchSize);
    const gate = [0, 0];
    rows.forEach((input, offset) => {
      const hidden = hiddenOutputs(input);
      const logits = [0, 1].map(
        (k) =>
          hidden[0] * TWO_NET_LOGITS_KERNEL[0][k] +
          hidden[1] * TWO_NET_LOGITS_KERNEL[1][k] +
          TWO_NET_LOGITS_BIAS[k],
      );
      const top = Math.max(...logits);
      const exps = logits.map((z) => Math.exp(z - top));
      const probabilities = exps.map((e) => e / (exps[0] + exps[1]));
      const label = TWO_NET_LABELS[start + offset];
      // L is the batch mean, so each sample's logit gradient is (p − y) / (samples in the batch).
      const logitGradient = probabilities.map((p, k) => (p - (k === label ? 1 : 0)) / rows.length);
      [0, 1].forEach((unit) => {
        const hiddenGradient =
          logitGradient[0] * TWO_NET_LOGITS_KERNEL[unit][0] +
          logitGradient[1] * TWO_NET_LOGITS_KERNEL[unit][1];
        gate[unit] += hidden[unit] * hiddenGradient;
      });
    });
    perBatch.push(gate.map((value) => value * value));
  }
  return [0, 1].map(
    (unit) => perBatch.reduce((sum, batch) => sum + batch[unit], 0) / perBatch.length,
  );
}

/** Mean softmax cross-entropy of logits against labels, in float64. */
function meanCrossEntropy(logits: number[][], labels: Int32Array): number {
  return (
    logits.reduce((sum, row, sample) => {
      const top = Math.max(...row);
      const logSumExp = top + Math.log(row.reduce((s, z) => s + Math.exp(z - top), 0));
      return sum + logSumExp - row[labels[sample]];
    }, 0) / logits.length
  );
}

/**
 * ∂L/∂g_n by central differences: a neuron mask of 1 ± step scales the neuron's output exactly as
 * a gate g_n = 1 ± step would, independently of the gradient code.
 */
function gateGradientByDifferences(
  model: NeuronModel,
  x: tf.Tensor,
  labels: Int32Array,
  layerName: string,
  neuron: number,
  step = 1e-2,
): number {
  const lossWithGate = (gate: number): number => {
    const mask = new Array<number>(model.layer(layerName).units).fill(1);
    mask[neuron] = gate;
    const logits = model.logits(x, { [layerName]: mask });
    const loss = meanCrossEntropy(logits.arraySync(), labels);
    logits.dispose();
    return loss;
  };
  return (lossWithGate(1 + step) - lossWithGate(1 - step)) / (2 * step);
}

describe('taylor metric', () => {
  it.each([1, 2, 3, 4])(
    'equals the gate-form Taylor importance computed by hand (batch size %i)',
    async (batchSize) => {
      const expected = taylorByHand(batchSize);
      const scores = await new TaylorMetric().score(
        new NeuronModel(makeTwoNeuronNet()),
        twoNeuronData(),
        { batchSize },
      );
      expect(Object.keys(scores)).toEqual(['hidden']);
      // float32 forward and backward passes: compare to 1e-6 relative.
      expect(scores.hidden[0] / expected[0]).toBeCloseTo(1, 6);
      expect(scores.hidden[1] / expected[1]).toBeCloseTo(1, 6);
    },
  );

  it('takes the gate gradient of conv channels over space, after batch-norm and relu', () => {
    const model = new NeuronModel(makeTinyCnn({ seed: 6 }));
    const data = makeSeparableDataset({
      samplesPerClass: 2,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 6,
    });
    const [batch] = [...data.batches(data.size)];
    const analytic = gateGradients(model, batch.x, batch.labels);
    for (const layer of model.neuronLayers) {
      const largest = Math.max(...Array.from(analytic[layer.name], Math.abs));
      expect(largest).toBeGreaterThan(1e-3);
      for (let neuron = 0; neuron < layer.units; neuron++) {
        const numeric = gateGradientByDifferences(model, batch.x, batch.labels, layer.name, neuron);
        expect(Math.abs(analytic[layer.name][neuron] - numeric)).toBeLessThan(1e-3 * largest);
      }
    }
    batch.x.dispose();
  });

  // Per minibatch the importance is the square of a batch mean of per-sample terms; the mean of
  // squares (batch size 1) is never below the square of the mean (one batch of everything).
  it('squares per minibatch: batch size 1 scores at least as high as one whole batch', async () => {
    const model = new NeuronModel(makeTinyCnn({ seed: 7 }));
    const data = makeSeparableDataset({
      samplesPerClass: 2,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 7,
    });
    const perSample = await new TaylorMetric().score(model, data, { batchSize: 1 });
    const wholeBatch = await new TaylorMetric().score(model, data, { batchSize: data.size });
    let strictlyHigher = 0;
    for (const layer of model.neuronLayers) {
      perSample[layer.name].forEach((score, neuron) => {
        expect(score).toBeGreaterThanOrEqual(wholeBatch[layer.name][neuron] * (1 - 1e-5));
        if (score > 1.01 * wholeBatch[layer.name][neuron]) strictlyHigher++;
      });
    }
    expect(strictlyHigher).toBeGreaterThan(0);
  });
});

// Taylor squares a per-minibatch sum (Molchanov et al. 2019), so its scores legitimately change
// with the batch size: the contract's batch-size invariance check does not apply.
describeMetricContract(() => new TaylorMetric(), { batchSizeInvariant: false });

describe('taylor metric outputs for the caller', () => {
  it('hands each batch’s forward outputs to onNeuronOutputs, once per batch, and keeps none', async () => {
    const model = new NeuronModel(makeTinyCnn({ seed: 9 }));
    const data = makeSeparableDataset({
      samplesPerClass: 3,
      numClasses: 3,
      inputShape: [6, 6, 1],
      seed: 9,
    });
    const metric = new TaylorMetric();
    const sizes: number[] = [];
    const meanOfFirstLayer: number[] = [];
    const firstLayer = model.neuronLayers[0].name;
    const score = () =>
      metric.score(model, data, {
        batchSize: 4,
        onNeuronOutputs: (outputs, batch) => {
          sizes.push(batch.size);
          meanOfFirstLayer.push(tf.tidy(() => tf.mean(outputs[firstLayer]).dataSync()[0]));
        },
      });
    const withListener = await score();
    expect(sizes).toEqual([4, 4, 1]);
    // The listener does not change the scores.
    expect(withListener).toEqual(await metric.score(model, data, { batchSize: 4 }));
    const tensorsBefore = tf.memory().numTensors;
    await score();
    await score();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    // The same batches, the same outputs, each time.
    expect(meanOfFirstLayer.slice(0, 3)).toEqual(meanOfFirstLayer.slice(3, 6));
  });
});
