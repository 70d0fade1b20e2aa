import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NeuronModel, isUsageError, provide } from '@neusemslice/core';
import { makeSeparableDataset, makeTinyMlp } from '@neusemslice/core/testing';
import { container } from 'tsyringe';
import {
  FakeMetric,
  fakeCategoryWiseSlicer,
  fakeDeepArcSlicer,
  fakeGlobalSlicer,
  fakeSemanticSlicer,
} from './__fixtures__/fake-components';
import { type MaskingStudyOptions, runMaskingStudy } from './masking-study';

const all = makeSeparableDataset({
  samplesPerClass: 20,
  numClasses: 3,
  inputShape: [4, 4, 1],
  seed: 5,
});
const slicingData = all.subset(
  Int32Array.from({ length: 30 }, (_, i) => i),
  'tiny/slicing',
);
const testData = all.subset(
  Int32Array.from({ length: 30 }, (_, i) => 30 + i),
  'tiny/test',
);
const model = new NeuronModel(makeTinyMlp({ hidden: [12, 8], numClasses: 3, seed: 3 }));

/** A container with fresh fake components, so each run's calls can be counted. */
function components() {
  const child = container.createChildContainer();
  const fake = new FakeMetric('fake', 1);
  const other = new FakeMetric('other', 2);
  provide(child, 'metric', fake, 'test');
  provide(child, 'metric', other, 'test');
  for (const slicer of [
    fakeGlobalSlicer(),
    fakeCategoryWiseSlicer(),
    fakeSemanticSlicer(),
    fakeDeepArcSlicer(),
  ])
    provide(child, 'slicer', slicer, 'test');
  return { child, fake, other };
}

function studyOptions(
  outDir: string,
  child: MaskingStudyOptions['container'],
): MaskingStudyOptions {
  return {
    container: child,
    model,
    modelLabel: 'Tiny',
    slicingData,
    testData,
    metrics: ['fake', 'other'],
    keepRatios: [0.3, 0.6],
    thetas: [0.9, 0.95],
    batchSize: 16,
    outDir,
    seed: 7,
  };
}

describe('runMaskingStudy resumes at the last finished metric', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'masking-resume-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reuses what a killed run finished and ends with the results of an uninterrupted run', async () => {
    const straight = await runMaskingStudy(
      studyOptions(path.join(root, 'straight'), components().child),
    );

    const outDir = path.join(root, 'resumed');
    const first = components();
    const killed = await runMaskingStudy({
      ...studyOptions(outDir, first.child),
      onProgress: (event) => {
        if (event.task.startsWith('study: other')) throw new Error('killed (simulated)');
      },
    }).catch((error: Error) => error);
    expect((killed as Error).message).toBe('killed (simulated)');
    // Only the checkpoint is there: no half-written results.
    expect(fs.readdirSync(outDir)).toEqual(['.masking-tiny-summary.md.checkpoint.json']);

    const second = components();
    const resumed = await runMaskingStudy(studyOptions(outDir, second.child));
    expect(second.fake.globalCalls + second.fake.categoryCalls).toBe(0); // not scored again
    expect(second.other.globalCalls).toBeGreaterThan(0);
    expect(resumed.pilot).toEqual(straight.pilot);
    expect(resumed.points).toEqual(straight.points);
    expect(resumed.checks).toEqual(straight.checks);
    expect(fs.readdirSync(outDir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('refuses a checkpoint of another configuration unless told to start over', async () => {
    const outDir = path.join(root, 'other-config');
    const first = components();
    await runMaskingStudy({
      ...studyOptions(outDir, first.child),
      onProgress: (event) => {
        if (event.task.startsWith('study: other')) throw new Error('killed (simulated)');
      },
    }).catch(() => undefined);
    const changed = { ...studyOptions(outDir, components().child), thetas: [0.8] };
    const refused = await runMaskingStudy(changed).catch((error: Error) => error);
    expect(isUsageError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/belongs to another configuration/);
    const fresh = components();
    await runMaskingStudy({ ...changed, container: fresh.child, resume: false });
    expect(fresh.fake.globalCalls).toBeGreaterThan(0);
  });
});
