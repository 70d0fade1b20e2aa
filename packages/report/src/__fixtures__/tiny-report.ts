import { NeuronModel, provide, type Slice } from '@neusemslice/core';
import {
  createTestContainer,
  makeSeparableDataset,
  makeTinyMlp,
  MeanActivationMetric,
  trainBriefly,
} from '@neusemslice/core/testing';
import restructurePlugin from '@neusemslice/maintainer-restructure';
import semanticPlugin, { SemanticSlicer } from '@neusemslice/slicer-semantic';
import type { DependencyContainer } from 'tsyringe';

/** A tiny trained MLP on separable synthetic data, its semantic slice, and a container. */
export interface TinyReportFixture {
  model: NeuronModel;
  train: ReturnType<typeof makeSeparableDataset>;
  test: ReturnType<typeof makeSeparableDataset>;
  slice: Slice;
  metric: MeanActivationMetric;
  container: DependencyContainer;
}

export async function tinyReportFixture(
  options: { restructure?: boolean; theta?: number } = {},
): Promise<TinyReportFixture> {
  const shape = { numClasses: 3, inputShape: [4, 4, 1], noise: 0.3 };
  const train = makeSeparableDataset({ ...shape, samplesPerClass: 12, seed: 5 });
  const test = makeSeparableDataset({ ...shape, samplesPerClass: 10, seed: 5 });
  const layersModel = makeTinyMlp({ seed: 2, hidden: [10, 8] });
  const [batch] = [...train.batches(train.size)];
  trainBriefly(layersModel, batch.x, batch.labels, 20);
  batch.x.dispose();
  const model = new NeuronModel(layersModel);
  const container = createTestContainer();
  const metric = new MeanActivationMetric();
  provide(container, 'metric', metric, 'test');
  semanticPlugin.register(container);
  if (options.restructure !== false) restructurePlugin.register(container);
  const slice = await new SemanticSlicer().slice({
    model,
    data: train,
    metric,
    options: { theta: options.theta ?? 0.9 },
    batchSize: 16,
  });
  return { model, train, test, slice, metric, container };
}

/** Frees the fixture's model. */
export function disposeFixture(fixture: TinyReportFixture): void {
  fixture.model.model.dispose();
}
