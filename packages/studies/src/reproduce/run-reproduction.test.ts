import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  type Attack,
  type MaintenanceRequest,
  type ProgressEvent,
  type Pruner,
  provide,
  sliceSize,
} from '@neusemslice/core';
import { createTestContainer, makeTinyMlp } from '@neusemslice/core/testing';
import {
  type CountingSlicer,
  FakeMetric,
  fakeCategoryWiseSlicer,
  fakeGlobalSlicer,
  fakeSemanticSlicer,
} from '../__fixtures__/fake-components';
import { RecordingMaintainer, tinyStudyData } from '../__fixtures__/study-fixtures';
import type { StudySetting } from '../shared/settings';
import { REPRODUCTION_BUDGETS, type ReproductionBudget } from './reproduction-budget';
import { type ReproductionOptions, runReproduction } from './run-reproduction';

const data = tinyStudyData({ numClasses: 4, trainPerClass: 12, testPerClass: 6 });

const setting = (id: string, label: string): StudySetting => ({
  id,
  label,
  model: 'mlp',
  dataset: 'mnist',
  epochs: 1,
  batchSize: 16,
  learningRate: 0.01,
});
const MLP_MNIST = setting('mlp-mnist', 'MLP-MNIST');
const CIFAR: StudySetting = {
  ...setting('alexnet-cifar10', 'AlexNet-CIFAR10'),
  model: 'alexnet',
  dataset: 'cifar10',
};

/** A budget small enough for the pure-JS backend: one of everything, two of the rest. */
const TEST_BUDGET: ReproductionBudget = {
  ...REPRODUCTION_BUDGETS.tiny,
  name: 'test',
  rq1: {
    metrics: ['taylor'],
    slicingPerClass: 4,
    keepRatios: [0.3, 0.6, 1],
    thetas: [0.9, 0.95],
    bands: [[0, 0.5]],
  },
  slice: { metric: 'taylor', theta: 0.95, slicingPerClass: 4 },
  rq2: { ...REPRODUCTION_BUDGETS.tiny.rq2, pruners: ['lamp'], testSamples: undefined },
  rq3: {
    ...REPRODUCTION_BUDGETS.tiny.rq3,
    attacks: ['fgsm'],
    strategies: ['full', 'neusemslice'],
    testSamples: undefined,
  },
  rq4: {
    ...REPRODUCTION_BUDGETS.tiny.rq4,
    variants: ['retrain', 'neusemslice'],
    trainPerClass: 6,
    slicingPerClass: 4,
    testSamples: undefined,
  },
};

/** Figures that depend only on the request (slice, seed, strategy): reruns give equal tables. */
function pruneAnswer(request: MaintenanceRequest) {
  const { critical, total } = sliceSize(request.slice);
  const sliceShare = 1 - critical / total;
  const seed = request.options.seed as number;
  return {
    figures: {
      compressionRate: 0.5 + sliceShare / 2 + seed / 100,
      iterations: 3,
      testAccuracy: request.options.originalTestAccuracy as number,
      slicedTestAccuracy: 0.9,
      recoveredTestAccuracy: 0.9,
      sliceCompressionRate: sliceShare / 2,
      parametersBefore: 100,
      parametersAfter: 50,
      seconds: 1,
    },
    details: { stopReason: 'max-iterations' },
  };
}

function readaptAnswer(request: MaintenanceRequest) {
  const seed = request.options.seed as number;
  const full = request.options.strategy === 'full';
  return {
    figures: {
      tpr: full ? 1 : 0.4,
      ra: (full ? 0.8 : 0.7) + seed / 100,
      raa: 0.1,
      robustAccuracyBefore: 0.05,
      cleanAccuracy: 0.9,
      cleanAccuracyBefore: 0.95,
      seconds: 2,
    },
    details: { trainedBlocks: [] },
  };
}

function incrementalAnswer(request: MaintenanceRequest) {
  const seed = request.options.seed as number;
  const taskA = request.options.strategy === 'retrain' ? 0 : 0.95;
  const taskB = 0.9 + seed / 100;
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
      trainSeconds: 1,
      trainedShare: 0.5,
      bytesKeptFromTaskA: 1000,
    },
  };
}

/** Fresh fake components whose calls can be counted; `crashAt` fails that readapt call. */
function components(crashAt?: number) {
  const container = createTestContainer();
  const prune = new RecordingMaintainer('prune', pruneAnswer);
  const readapt = new RecordingMaintainer('readapt', (request) => {
    if (readapt.requests.length === crashAt) throw new Error('killed half-way');
    return readaptAnswer(request);
  });
  const incremental = new RecordingMaintainer('incremental', incrementalAnswer);
  for (const maintainer of [prune, readapt, incremental]) {
    provide(container, 'maintainer', maintainer, 'test');
  }
  const pruner: Pruner = { name: 'lamp', description: 'test', prune: () => ({}) };
  provide(container, 'pruner', pruner, 'test');
  const attack: Attack = { name: 'fgsm', description: 'test', perturb: (_m, x) => tf.clone(x) };
  provide(container, 'attack', attack, 'test');
  provide(container, 'metric', new FakeMetric('taylor', 1), 'test');
  const globalSlicer: CountingSlicer = fakeGlobalSlicer();
  for (const slicer of [globalSlicer, fakeCategoryWiseSlicer(), fakeSemanticSlicer()]) {
    provide(container, 'slicer', slicer, 'test');
  }
  return { container, prune, readapt, incremental, globalSlicer };
}

function reproductionOptions(
  directory: string,
  container: ReproductionOptions['container'],
  events: ProgressEvent[] = [],
): ReproductionOptions & { trainedModels: () => number } {
  let trainedModels = 0;
  return {
    container,
    settings: [MLP_MNIST, CIFAR],
    seeds: [1, 2],
    loadData: async () => data,
    missingData: (candidate) =>
      candidate.dataset === 'cifar10' ? 'CIFAR-10 not found (test)' : undefined,
    budget: TEST_BUDGET,
    cacheDir: path.join(directory, 'cache'),
    out: path.join(directory, 'results', 'reproduction.md'),
    command: 'neusemslice reproduce --seeds 2 (test)',
    backend: 'cpu',
    onProgress: (event) => events.push(event),
    originalModel: async (_setting, seed) => {
      trainedModels++;
      return makeTinyMlp({ seed, numClasses: 4 });
    },
    taskAModel: async (_setting, seed) => makeTinyMlp({ seed, numClasses: 4 }),
    trainedModels: () => trainedModels,
  };
}

/** The report without the lines that name times, dates and machine load. */
function stableReport(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^- (Date|Time|Machine|Versions|Trained models):/.test(line))
    .join('\n');
}

describe('runReproduction', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'reproduction-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('resumes a run killed half-way without redoing finished steps and gives the same tables', async () => {
    // A run that dies in RQ3's second run (after RQ1 and RQ2 of both seeds are done).
    const crashing = components(2);
    await expect(
      runReproduction(reproductionOptions(path.join(directory, 'a'), crashing.container)),
    ).rejects.toThrow('killed half-way');
    expect(crashing.prune.requests).toHaveLength(2 * 2); // 2 seeds × lamp × (alone, slice)
    expect(crashing.readapt.requests).toHaveLength(2);

    // Run again: RQ1 and RQ2 come from the checkpoint, RQ3 continues after its finished run.
    const resumed = components();
    const events: ProgressEvent[] = [];
    const options = reproductionOptions(path.join(directory, 'a'), resumed.container, events);
    const result = await runReproduction(options);
    expect(resumed.globalSlicer.sliceCalls).toBe(0); // no masking run again
    expect(resumed.prune.requests).toHaveLength(0);
    expect(resumed.readapt.requests).toHaveLength(2 * 2 - 1);
    expect(resumed.incremental.requests).toHaveLength(2 * 2);
    expect(result.steps).toEqual({ total: 8, computed: 4, reused: 4 });
    expect(result.skipped).toEqual([
      { setting: 'alexnet-cifar10', reason: 'CIFAR-10 not found (test)' },
    ]);

    // The whole run's progress: steps done of all, with an ETA once a step's time is known.
    const overall = events.filter((event) => event.task === 'reproduce');
    expect(overall[0]).toMatchObject({ done: 4, total: 8 });
    expect(overall[overall.length - 1]).toMatchObject({ done: 8, total: 8, etaSeconds: 0 });
    expect(overall.every((event) => event.etaSeconds !== undefined)).toBe(true);

    // An uninterrupted run elsewhere gives the same tables and report.
    const fresh = components();
    const tensorsBefore = tf.memory().numTensors;
    const uninterrupted = await runReproduction(
      reproductionOptions(path.join(directory, 'b'), fresh.container),
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(uninterrupted.steps).toEqual({ total: 8, computed: 8, reused: 0 });
    expect(uninterrupted.tables).toEqual(result.tables);
    expect(stableReport(uninterrupted.report).replace(/\/b\//g, '/a/')).toBe(
      stableReport(result.report),
    );

    // A rerun with the same configuration computes nothing.
    const again = components();
    const rerun = await runReproduction(
      reproductionOptions(path.join(directory, 'a'), again.container),
    );
    expect(rerun.steps).toEqual({ total: 8, computed: 0, reused: 8 });
    expect(again.readapt.requests).toHaveLength(0);
    expect(again.incremental.requests).toHaveLength(0);
    expect(rerun.tables).toEqual(result.tables);
  });

  it('writes every table beside the paper and says where the direction does not hold', async () => {
    const { container } = components();
    const options = reproductionOptions(directory, container);
    const result = await runReproduction(options);
    const report = fs.readFileSync(result.report, 'utf8');
    expect(report).toContain('Command: `neusemslice reproduce --seeds 2 (test)`');
    expect(report).toMatch(/- Seeds: 1, 2 /);
    expect(report).toMatch(/\*\*skipped\*\*: alexnet-cifar10 \(CIFAR-10 not found \(test\)\)/);
    expect(report).toMatch(
      /- Versions: @neusemslice\/studies \d+\.\d+\.\d+.*@tensorflow\/tfjs 4\./,
    );
    for (const heading of ['## RQ1', '## RQ2', '## RQ3', '## RQ4']) {
      expect(report).toContain(heading);
    }
    // Table 4's paper column for MLP-MNIST (LAMP alone: CR 52.17%, NI 7, MA 98.26%).
    expect(report).toMatch(
      /\| LAMP \| [^|]+ \| 3\.0 ± 0\.0 \| [^|]+ \| 2 of 2 \| 52\.17% \| 7 \| 98\.26% \|/,
    );
    // NeuSemSlice's RA is below full training's in the fake answers: said plainly.
    expect(report).toMatch(/NeuSemSlice does \*\*not\*\* match full training on RA/);
    expect(
      result.tables.findings.some((line) =>
        line.startsWith('RQ4 MLP-MNIST: NeuSemSlice keeps task A'),
      ),
    ).toBe(true);
    expect(result.tables.rq1).toHaveLength(1);
    expect(result.tables.rq1[0].pairs).toBe(2 * 2); // 2 Θ × 2 seeds
    expect(result.tables.rq2.map((row) => row.variant)).toEqual(['alone', 'slice']);
    expect(result.tables.rq2[0].compressionRate.count).toBe(2);
    // The studies' own tables sit in the details folder the report links to.
    for (const file of ['restructure-table4.md', 'readapt-table5.md', 'incremental-table6.md']) {
      expect(fs.existsSync(path.join(result.detailsDir, file))).toBe(true);
      expect(report).toContain(`(reproduction/${file})`);
    }
    expect(fs.readdirSync(path.join(result.detailsDir, 'rq1'))).toContain(
      'masking-mlp-mnist-seed-1-summary.md',
    );
    expect(options.trainedModels()).toBeGreaterThan(0);

    // Another RQ2 budget keeps its own checkpoint: RQ2 runs again, the other questions do not.
    const other = components();
    const changed = await runReproduction({
      ...reproductionOptions(directory, other.container),
      budget: { ...TEST_BUDGET, rq2: { ...TEST_BUDGET.rq2, maxIterations: 2 } },
    });
    expect(changed.checkpointDirs.rq2).not.toBe(result.checkpointDirs.rq2);
    expect(changed.checkpointDirs.rq1).toBe(result.checkpointDirs.rq1);
    expect(changed.steps).toEqual({ total: 8, computed: 2, reused: 6 });
    expect(other.prune.requests).toHaveLength(4);
    expect(other.prune.requests[0].options.maxIterations).toBe(2);
    expect(other.readapt.requests).toHaveLength(0);
  });

  it('refuses bad input before any work', async () => {
    const { container } = components();
    const options = reproductionOptions(directory, container);
    await expect(runReproduction({ ...options, budget: 'huge' })).rejects.toThrow(
      "budget: unknown budget 'huge' (expected tiny | small | full)",
    );
    await expect(runReproduction({ ...options, questions: ['rq5' as 'rq1'] })).rejects.toThrow(
      "questions: unknown question 'rq5' (expected rq1 | rq2 | rq3 | rq4)",
    );
    await expect(
      runReproduction({ ...options, out: path.join(directory, 'r.txt') }),
    ).rejects.toThrow(/give a \.md file/);
    await expect(
      runReproduction({
        ...options,
        budget: { ...TEST_BUDGET, rq2: { ...TEST_BUDGET.rq2, pruners: ['nope'] } },
      }),
    ).rejects.toThrow(/nope/);
    await expect(runReproduction({ ...options, settings: [CIFAR] })).rejects.toThrow(
      /the data of every setting is missing/,
    );
    expect(fs.existsSync(path.join(directory, 'cache'))).toBe(false);
  });
});
