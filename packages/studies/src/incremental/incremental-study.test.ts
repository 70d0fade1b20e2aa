import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type MaintenanceRequest, provide } from '@neusemslice/core';
import { makeTinyMlp } from '@neusemslice/core/testing';
import { parseStudyCsv } from '../__fixtures__/csv-parse';
import { fakeDeepArcSlicer } from '../__fixtures__/fake-components';
import {
  RecordingMaintainer,
  studyTestContainer,
  TINY_STUDY_SETTINGS,
  tinyStudyData,
} from '../__fixtures__/study-fixtures';
import { type IncrementalStudyOptions, runIncrementalStudy } from './incremental-study';
import { TABLE6_VARIANTS } from './paper-table6';

const data = tinyStudyData({ numClasses: 4, trainPerClass: 20, testPerClass: 10 });

/**
 * Stands in for the `incremental` maintainer's answer: figures by strategy, with replay 100%
 * beating NeuSemSlice on task B (a loss the report must state).
 */
function incrementalAnswer(request: MaintenanceRequest) {
  const strategy = request.options.strategy as string;
  const replay = (request.options.replay as number | undefined) ?? 0;
  const seed = request.options.seed as number;
  const taskA =
    strategy === 'retrain' ? 0 : strategy.startsWith('neusemslice') ? 0.97 : 0.5 + 0.4 * replay;
  const taskB = strategy === 'replay' && replay === 1 ? 0.99 : 0.95 + seed / 1000;
  return {
    figures: {
      taskA,
      taskB,
      mean: (taskA + taskB) / 2,
      bwt: taskA - 0.98,
      taskABefore: 0.98,
      taskAIncremental: taskA,
      taskBIncremental: taskB,
      seconds: 2,
      trainSeconds: 1.5,
      trainedShare: 0.5,
      bytesKeptFromTaskA: 2000,
      ...(strategy === 'deeparc' ? { redundantLayers: 0 } : {}),
    },
  };
}

function setup() {
  const maintainer = new RecordingMaintainer('incremental', incrementalAnswer);
  const container = studyTestContainer(maintainer);
  provide(container, 'slicer', fakeDeepArcSlicer(), 'test');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'incremental-study-'));
  let trainedModels = 0;
  const options: IncrementalStudyOptions = {
    container,
    settings: TINY_STUDY_SETTINGS,
    seeds: [1, 2],
    loadData: async () => data,
    taskAModel: async (_setting, seed) => {
      trainedModels++;
      return makeTinyMlp({ seed, numClasses: 4 });
    },
    slicingPerClass: 10,
    cacheDir: path.join(outDir, 'cache'),
    outDir,
    command: 'neusemslice study incremental --seeds 2',
    backend: 'cpu',
  };
  return { maintainer, options, outDir, trainedModels: () => trainedModels };
}

describe('runIncrementalStudy', () => {
  it('runs every setting × seed × strategy and writes Table 6 beside the paper', async () => {
    const { maintainer, options, outDir } = setup();
    const result = await runIncrementalStudy(options);
    const runs = 2 * 2 * TABLE6_VARIANTS.length;
    expect(result.points).toHaveLength(runs);
    expect(maintainer.requests).toHaveLength(runs);
    // Task A is the first half of the classes; every run gets both tasks' data to split.
    expect(maintainer.requests[0].options).toMatchObject({ taskA: [0, 1], epochs: 1, seed: 1 });
    expect(maintainer.requests[0].trainData.numClasses).toBe(4);
    const replays = maintainer.requests
      .filter((request) => request.options.strategy === 'replay')
      .map((request) => request.options.replay);
    expect([...new Set(replays)].sort()).toEqual([0.05, 0.1, 1]);

    const csv = parseStudyCsv(fs.readFileSync(result.files.csv, 'utf8'));
    expect(csv.comment).toMatch(/command: neusemslice study incremental --seeds 2/);
    expect(csv.comment).toMatch(/seeds: 1,2 \| backend: cpu \| machine: /);
    expect(csv.rows).toHaveLength(2 * TABLE6_VARIANTS.length);
    const ours = csv.rows.find(
      (row) => row.setting === 'mlp-mnist' && row.variant === 'neusemslice',
    );
    expect(Number(ours?.task_a_mean)).toBeCloseTo(0.97, 6);
    expect(Number(ours?.task_b_mean)).toBeCloseTo(0.9515, 6); // seeds 1 and 2
    expect(Number(ours?.task_b_std)).toBeGreaterThan(0);
    expect(ours?.paper_task_a).toBe('0.9889');
    const lenet = csv.rows.find((row) => row.setting === 'lenet5-fashion-mnist');
    expect(lenet?.paper_task_a).toBe('');
    const runsCsv = parseStudyCsv(fs.readFileSync(result.files.runsCsv, 'utf8'));
    expect(runsCsv.rows).toHaveLength(runs);

    const markdown = fs.readFileSync(result.files.markdown, 'utf8');
    expect(markdown).toContain('### MLP-MNIST');
    expect(markdown).toMatch(/Budget: task-A models trained .* task B learnt in 1 epoch/);
    expect(markdown).toContain('DeepArc (no redundant layer found: nothing trained)');
    expect(markdown).toMatch(/MLP-MNIST: NeuSemSlice loses to replay-100 on task-B accuracy/);
    expect(markdown).not.toMatch(/loses to replay-5 on task-A/);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('resumes from its checkpoint without retraining or re-running finished points', async () => {
    const { maintainer, options, outDir, trainedModels } = setup();
    await runIncrementalStudy({ ...options, seeds: [1] });
    expect(trainedModels()).toBe(2);
    const second = await runIncrementalStudy(options);
    expect(trainedModels()).toBe(4);
    expect(maintainer.requests).toHaveLength(2 * 2 * TABLE6_VARIANTS.length);
    expect(second.points).toHaveLength(2 * 2 * TABLE6_VARIANTS.length);
    await expect(runIncrementalStudy({ ...options, theta: 0.9 })).rejects.toThrow(
      /another configuration/,
    );
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('checks its options before any work', async () => {
    const { options, outDir, trainedModels } = setup();
    await expect(runIncrementalStudy({ ...options, seeds: [] })).rejects.toThrow(/seeds/);
    await expect(runIncrementalStudy({ ...options, training: { epochs: 0 } })).rejects.toThrow(
      /epochs/,
    );
    expect(trainedModels()).toBe(0);
    fs.rmSync(outDir, { recursive: true, force: true });
  });
});
