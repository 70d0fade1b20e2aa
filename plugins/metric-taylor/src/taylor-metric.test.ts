import { describeMetricContract } from '@neusemslice/core/testing';
import { NeuronModel } from '@neusemslice/core';
import { TaylorMetric } from './taylor-metric';
import { TWO_NET_LOGITS_BIAS, hiddenOutputs, TWO_NET_INPUTS, TWO_NET_LABELS, makeTwoNeuronNet, twoNeuronData, TWO_NET_LOGITS_KERNEL } from '@neusemslice/core/testing';

/** (Σ_batch h · ∂L/∂h)² per minibatch, averaged over minibatches, in plain JS. */
function taylorByHand(batchSize: number): number[] {
  const perBatch: number[][] = [];
  for (let start = 0; start < TWO_NET_INPUTS.length; start += batchSize) {
    const rows = TWO_NET_INPUTS.slice(start, start + batchSize);
    const gate = [0, 0];
    rows.forEach((input, offset) => {
      const hidden = hiddenOutputs(input);
      const logits = [0, 1].map((k) => hidden[0] * TWO_NET_LOGITS_KERNEL[0][k] + hidden[1] * TWO_NET_LOGITS_KERNEL[1][k] + TWO_NET_LOGITS_BIAS[k]);
      const top = Math.max(...logits);
      const exps = logits.map((z) => Math.exp(z - top));
      const probabilities = exps.map((e) => e / (exps[0] + exps[1]));
      const label = TWO_NET_LABELS[start + offset];
      // L is the batch mean, so each sample's logit gradient is (p − y) / TWO_NET_HIDDEN_BIAS.
      const logitGradient = probabilities.map((p, k) => (p - (k === label ? 1 : 0)) / rows.length);
      [0, 1].forEach((unit) => {
        const hiddenGradient = logitGradient[0] * TWO_NET_LOGITS_KERNEL[unit][0] + logitGradient[1] * TWO_NET_LOGITS_KERNEL[unit][1];
        gate[unit] += hidden[unit] * hiddenGradient;
      });
    });
    perBatch.push(gate.map((value) => value * value));
  }
  return [0, 1].map((unit) => perBatch.reduce((sum, batch) => sum + batch[unit], 0) / perBatch.length);
}

describe('taylor metric', () => {
  it.each([1, 2, 3, 4])('equals the gate-form Taylor importance computed by hand (batch size %i)', async (batchSize) => {
    const expected = taylorByHand(batchSize);
    const scores = await new TaylorMetric().score(new NeuronModel(makeTwoNeuronNet()), twoNeuronData(), { batchSize });
    // float32 forward and backward passes: compare to 1e-6 relative.
    expect(scores.hidden[0] / expected[0]).toBeCloseTo(1, 6);
    expect(scores.hidden[1] / expected[1]).toBeCloseTo(1, 6);
  });

  it('squares per minibatch, so the batch size matters', () => {
    expect(taylorByHand(1)[0]).not.toBeCloseTo(taylorByHand(4)[0], 6);
  });
});

// Taylor squares a per-minibatch sum (Molchanov et al.), so scores legitimately change with the batch size.
describeMetricContract(() => new TaylorMetric(), { batchSizeInvariant: false });
