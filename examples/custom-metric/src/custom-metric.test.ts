import { container } from 'tsyringe';
import { NeuronModel, Pipeline, registerPlugins, resolveComponent } from '@neusemslice/core';
import {
  describeMetricContract,
  makeSeparableDataset,
  makeTinyMlp,
  trainBriefly,
} from '@neusemslice/core/testing';
import semantic from '@neusemslice/slicer-semantic';
import maxActivationPlugin, { MaxActivationMetric } from './max-activation-metric';

describe('a user-written metric', () => {
  const scope = registerPlugins(container.createChildContainer(), [maxActivationPlugin, semantic]);
  const data = makeSeparableDataset({
    samplesPerClass: 20,
    numClasses: 3,
    inputShape: [4, 4, 1],
    seed: 3,
  });

  it('is found by name like a built-in one', () => {
    expect(resolveComponent(scope, 'metric', 'max-activation')).toBeInstanceOf(MaxActivationMetric);
  });

  it('drives the semantic slicer in a pipeline', async () => {
    const layersModel = makeTinyMlp({ seed: 3 });
    const [batch] = [...data.batches(data.size)];
    trainBriefly(layersModel, batch.x, batch.labels);
    batch.x.dispose();
    const { slice } = await new Pipeline(scope)
      .model(new NeuronModel(layersModel))
      .data(data)
      .metric('max-activation')
      .slicer('semantic', { theta: 0.9 })
      .run();
    expect(slice.metric).toBe('max-activation');
    expect(slice.critical.fc1.length).toBeGreaterThan(0);
    expect(slice.critical.fc1.length).toBeLessThanOrEqual(12);
  });
});

describeMetricContract(() => new MaxActivationMetric(), { batchSizeInvariant: true });
