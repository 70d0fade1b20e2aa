import {
  type Maintainer,
  type MaintenanceReport,
  type MaintenanceRequest,
  provide,
} from '@neusemslice/core';
import { createTestContainer, makeSeparableDataset } from '@neusemslice/core/testing';
import type { DependencyContainer } from 'tsyringe';
import type { StudySetting } from '../shared/settings';
import type { StudyData } from '../shared/study-options';
import { FakeMetric, fakeSemanticSlicer } from './fake-components';

/**
 * The setup the study tests share: tiny settings with real ids, tiny separable data, a
 * maintainer stand-in that records its requests, and a container holding it with a fake Taylor
 * metric and semantic slicer.
 */

const tinySetting = (id: string, label: string): StudySetting => ({
  id,
  label,
  model: 'mlp',
  dataset: 'mnist',
  epochs: 1,
  batchSize: 16,
  learningRate: 0.01,
});

/** Ids of real settings, so the paper column (MLP-MNIST) and its absence (LeNet-5) both show. */
export const TINY_STUDY_SETTINGS: readonly StudySetting[] = [
  tinySetting('mlp-mnist', 'MLP-MNIST'),
  tinySetting('lenet5-fashion-mnist', 'LeNet5-FMNIST'),
];

/** Separable 4×4×1 train (seed 5) and test (seed 6) splits. */
export function tinyStudyData(shape: {
  numClasses: number;
  trainPerClass: number;
  testPerClass: number;
}): StudyData {
  const split = (samplesPerClass: number, seed: number) =>
    makeSeparableDataset({
      samplesPerClass,
      numClasses: shape.numClasses,
      inputShape: [4, 4, 1],
      seed,
    });
  return { train: split(shape.trainPerClass, 5), test: split(shape.testPerClass, 6) };
}

/** Stands in for a maintainer: records each request and answers `answer`'s report. */
export class RecordingMaintainer implements Maintainer {
  readonly description = 'test stand-in';
  readonly requests: MaintenanceRequest[] = [];
  constructor(
    readonly name: string,
    private readonly answer: (request: MaintenanceRequest) => MaintenanceReport,
  ) {}

  async maintain(request: MaintenanceRequest): Promise<MaintenanceReport> {
    this.requests.push(request);
    return this.answer(request);
  }
}

/** A test container with the maintainer, a fake `taylor` metric and a fake semantic slicer. */
export function studyTestContainer(maintainer: Maintainer): DependencyContainer {
  const container = createTestContainer();
  provide(container, 'maintainer', maintainer, 'test');
  provide(container, 'metric', new FakeMetric('taylor', 1), 'test');
  provide(container, 'slicer', fakeSemanticSlicer(), 'test');
  return container;
}
