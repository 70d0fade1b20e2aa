import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type Attack, type MaintenanceRequest, provide, sliceSize } from '@neusemslice/core';
import { makeTinyMlp } from '@neusemslice/core/testing';
import { parseStudyCsv } from '../__fixtures__/csv-parse';
import {
  RecordingMaintainer,
  studyTestContainer,
  TINY_STUDY_SETTINGS,
  tinyStudyData,
} from '../__fixtures__/study-fixtures';
import { runReadaptStudy, type ReadaptStudyOptions } from './readapt-study';

const data = tinyStudyData({ numClasses: 3, trainPerClass: 10, testPerClass: 5 });

const attack = (name: string): Attack => ({
  name,
  description: 'test',
  perturb: (_model, x) => tf.clone(x),
});

/**
 * Stands in for the `readapt` maintainer's answer: figures that depend on the strategy and seed,
 * so the study's bookkeeping is what is tested. NeuSemSlice's RA is 5 points under full
 * training's (a loss the report must spell out).
 */
function readaptAnswer(request: MaintenanceRequest) {
  const seed = request.options.seed as number;
  const strategy = request.options.strategy as string;
  const { critical, total } = sliceSize(request.slice);
  const ra = { full: 0.9, deeparc: 0.8, neusemslice: 0.85, 'neusemslice+deeparc': 0.7 }[
    strategy
  ] as number;
  return {
    figures: {
      tpr: strategy === 'full' ? 1 : critical / total,
      ra: ra + seed / 100,
      raa: 0.1,
      robustAccuracyBefore: 0.05,
      cleanAccuracy: 0.9,
      cleanAccuracyBefore: 0.95,
      seconds: 2,
    },
    details: { trainedBlocks: strategy.includes('deeparc') ? ['fc1'] : [] },
  };
}

const recordingReadapt = () => new RecordingMaintainer('readapt', readaptAnswer);

function studyOptions(directory: string, readapt: RecordingMaintainer): ReadaptStudyOptions {
  const container = studyTestContainer(readapt);
  for (const name of ['fgsm', 'pgd']) provide(container, 'attack', attack(name), 'test');
  return {
    container,
    settings: TINY_STUDY_SETTINGS,
    seeds: [1, 2],
    loadData: async () => data,
    originalModel: async (_setting, seed) => makeTinyMlp({ seed }),
    cacheDir: path.join(directory, 'cache'),
    outDir: path.join(directory, 'out'),
    slicingPerClass: 4,
    retraining: { epochs: 2, epochsBySetting: { 'lenet5-fashion-mnist': 1 } },
    command: 'neusemslice study readapt (test)',
    backend: 'cpu',
  };
}

describe('runReadaptStudy', () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'readapt-study-'));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('runs every setting × seed × attack × strategy and writes Table 5 beside the paper', async () => {
    const readapt = recordingReadapt();
    const result = await runReadaptStudy(studyOptions(directory, readapt));
    expect(readapt.requests).toHaveLength(2 * 2 * 2 * 4);
    expect(result.points).toHaveLength(32);
    // LeNet-5's own epoch count reaches the maintainer; every other setting gets the default.
    const epochs = readapt.requests.map((request) => request.options.epochs);
    expect(epochs.filter((count) => count === 1)).toHaveLength(16);
    expect(epochs.filter((count) => count === 2)).toHaveLength(16);
    const { rows } = parseStudyCsv(fs.readFileSync(result.files.csv, 'utf8'));
    expect(rows).toHaveLength(2 * 2 * 4);
    const full = rows.find(
      (row) => row.setting === 'MLP-MNIST' && row.attack === 'fgsm' && row.strategy === 'full',
    );
    expect(Number(full?.ra_mean)).toBeCloseTo(0.915, 10); // mean of 0.91 and 0.92
    expect(Number(full?.paper_ra)).toBe(1);
    const lenet = rows.find((row) => row.setting === 'LeNet5-FMNIST');
    expect(lenet?.paper_ra).toBe('');
    const markdown = fs.readFileSync(result.files.markdown, 'utf8');
    expect(markdown).toContain('neusemslice study readapt (test)');
    expect(markdown).toContain('NeuSemSlice does **not** match full training on RA');
    expect(markdown).toContain('The paper has no figures for this setting.');
    expect(markdown).toContain('LeNet5-FMNIST 1');
  });

  it('resumes from the checkpoint and can write the tables from finished runs only', async () => {
    const readapt = recordingReadapt();
    await runReadaptStudy({ ...studyOptions(directory, readapt), seeds: [1] });
    expect(readapt.requests).toHaveLength(16);
    const reportOnly = await runReadaptStudy({
      ...studyOptions(directory, readapt),
      reportOnly: true,
    });
    expect(readapt.requests).toHaveLength(16);
    expect(reportOnly.missing).toHaveLength(16);
    expect(fs.readFileSync(reportOnly.files.markdown, 'utf8')).toContain('16 run(s) were not run');
    await runReadaptStudy(studyOptions(directory, readapt));
    expect(readapt.requests).toHaveLength(32);
  });

  it('refuses an unknown attack or strategy before running anything', async () => {
    const readapt = recordingReadapt();
    const options = studyOptions(directory, readapt);
    await expect(runReadaptStudy({ ...options, attacks: ['cw'] })).rejects.toThrow(/cw/);
    await expect(runReadaptStudy({ ...options, strategies: ['half' as never] })).rejects.toThrow(
      /unknown strategy 'half'/,
    );
    expect(readapt.requests).toHaveLength(0);
  });
});
