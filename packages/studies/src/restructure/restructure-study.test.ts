import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type MaintenanceRequest, type Pruner, provide, sliceSize } from '@neusemslice/core';
import { makeTinyMlp } from '@neusemslice/core/testing';
import { parseStudyCsv } from '../__fixtures__/csv-parse';
import {
  RecordingMaintainer,
  studyTestContainer,
  TINY_STUDY_SETTINGS,
  tinyStudyData,
} from '../__fixtures__/study-fixtures';
import { runRestructureStudy, type RestructureStudyOptions } from './restructure-study';

const data = tinyStudyData({ numClasses: 3, trainPerClass: 20, testPerClass: 10 });

function pruner(name: string): Pruner {
  return { name, description: 'test', prune: () => ({}) };
}

/**
 * Stands in for the `prune` maintainer's answer: figures that depend on the slice it gets, so the
 * study's bookkeeping is what is tested. With the slice it reports a higher CR but more
 * iterations (a mixed result the report must spell out).
 */
function pruneAnswer(request: MaintenanceRequest) {
  const { critical, total } = sliceSize(request.slice);
  const sliceShare = 1 - critical / total;
  const seed = request.options.seed as number;
  const original = request.options.originalTestAccuracy as number;
  // In LeNet's setting (step 0.05), seed 2's slice costs more than δ: no iteration is kept.
  const sliceTooCostly = sliceShare > 0 && request.options.step === 0.05 && seed === 2;
  return {
    figures: {
      compressionRate: 0.5 + sliceShare / 2 + seed / 100,
      iterations: sliceShare > 0 ? 6 : 5,
      testAccuracy: sliceTooCostly ? original - 0.05 : original,
      slicedTestAccuracy: 0.95,
      recoveredTestAccuracy: 0.96,
      sliceCompressionRate: sliceShare / 2,
      parametersBefore: 100,
      parametersAfter: 50,
      seconds: 1,
    },
    details: { stopReason: sliceShare > 0 ? 'tolerance' : 'max-iterations' },
  };
}

function setup() {
  const prune = new RecordingMaintainer('prune', pruneAnswer);
  const container = studyTestContainer(prune);
  for (const name of ['lamp', 'erk']) provide(container, 'pruner', pruner(name), 'test');
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'restructure-study-'));
  let trainedModels = 0;
  const options: RestructureStudyOptions = {
    container,
    settings: TINY_STUDY_SETTINGS,
    seeds: [1, 2],
    pruners: ['lamp', 'erk'],
    loadData: async () => data,
    originalModel: async (_setting, seed) => {
      trainedModels++;
      return makeTinyMlp({ seed });
    },
    slicingPerClass: 10,
    cacheDir: path.join(outDir, 'cache'),
    outDir,
    command: 'neusemslice study restructure --seeds 2',
    backend: 'cpu',
  };
  return { prune, options, outDir, trainedModels: () => trainedModels };
}

describe('runRestructureStudy', () => {
  it('runs every setting × seed × pruner × variant and writes Table 4 beside the paper', async () => {
    const { prune, options, outDir } = setup();
    const result = await runRestructureStudy(options);
    expect(result.points).toHaveLength(2 * 2 * 2 * 2);
    expect(prune.requests).toHaveLength(16);
    // The pruner alone gets a slice keeping every neuron; slice + pruner the slicer's slice.
    const alone = prune.requests.filter(
      (request) => sliceSize(request.slice).critical === sliceSize(request.slice).total,
    );
    expect(alone).toHaveLength(8);
    expect(prune.requests[0].options).toMatchObject({
      pruner: 'lamp',
      step: 0.1,
      seed: 1,
      tolerance: 1,
    });
    const lenetRequest = prune.requests.find((request) => request.options.step === 0.05);
    expect(lenetRequest).toBeDefined();
    expect(
      prune.requests.every((request) => typeof request.options.originalTestAccuracy === 'number'),
    ).toBe(true);

    const csv = parseStudyCsv(fs.readFileSync(result.files.csv, 'utf8'));
    expect(csv.comment).toMatch(/command: neusemslice study restructure --seeds 2/);
    expect(csv.comment).toMatch(/seeds: 1, 2 \| backend: cpu \| machine: /);
    expect(csv.rows).toHaveLength(2 * 2 * 2);
    const lampAlone = csv.rows.find(
      (row) => row.setting === 'MLP-MNIST' && row.algorithm === 'LAMP',
    );
    expect(Number(lampAlone?.cr_mean)).toBeCloseTo(0.5 + 0.015, 6); // seeds 1 and 2
    expect(Number(lampAlone?.cr_std)).toBeGreaterThan(0);
    expect(lampAlone?.paper_cr).toBe('0.5217');
    const lenetRow = csv.rows.find((row) => row.setting === 'LeNet5-FMNIST');
    expect(lenetRow?.paper_cr).toBe('');
    const runs = parseStudyCsv(fs.readFileSync(result.files.runsCsv, 'utf8'));
    expect(runs.rows).toHaveLength(16);

    const markdown = fs.readFileSync(result.files.markdown, 'utf8');
    expect(markdown).toContain('NeuSemSlice+LAMP');
    expect(markdown).toContain('| paper CR |');
    expect(markdown).toMatch(/no LeNet5-FMNIST setting/);
    expect(markdown).toMatch(/beats LAMP alone on CR but \*\*not on NI\*\*/);
    expect(markdown).toMatch(/higher mean CR in 2 of 4 .* lower mean NI in 0 of 4/);
    expect(markdown).toMatch(
      /slice \+ LAMP does \*\*not\*\* beat LAMP alone at equal accuracy: in 1 of 2 runs/,
    );
    expect(markdown).toMatch(/2 of 16 runs ended more than δ below the original/);
    expect(markdown).toMatch(/8 of 16 runs stopped at the iteration cap/);
    expect(markdown).toMatch(/3000 training samples/);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('resumes from its checkpoint without retraining or re-running finished points', async () => {
    const { prune, options, outDir, trainedModels } = setup();
    await runRestructureStudy({ ...options, seeds: [1] });
    expect(trainedModels()).toBe(2);
    const second = await runRestructureStudy(options);
    // Seed 1 came from the checkpoint; only seed 2 was trained and pruned.
    expect(trainedModels()).toBe(4);
    expect(prune.requests).toHaveLength(16);
    expect(second.points).toHaveLength(16);
    await expect(runRestructureStudy({ ...options, maxIterations: 3 })).rejects.toThrow(
      /another configuration/,
    );
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('names unknown pruners and missing components before any work', async () => {
    const { options, outDir, trainedModels } = setup();
    await expect(runRestructureStudy({ ...options, pruners: ['lamp', 'lmap'] })).rejects.toThrow(
      /unknown pruner 'lmap' \(registered: erk, lamp\)/,
    );
    await expect(runRestructureStudy({ ...options, seeds: [] })).rejects.toThrow(/seeds/);
    expect(trainedModels()).toBe(0);
    fs.rmSync(outDir, { recursive: true, force: true });
  });
});
