import * as fs from 'node:fs';
import * as path from 'node:path';
import { readModelMetadata } from '@neusemslice/models';
import {
  allowTrainingInTests,
  run,
  temporaryDirectory,
  trainTinyModel,
} from '../__fixtures__/cli-fixtures';

allowTrainingInTests();

describe('neusemslice train --classes and incremental', () => {
  const directory = temporaryDirectory('neusemslice-incremental-');
  const modelDir = path.join(directory, 'mlp-task-a');
  const outDir = path.join(directory, 'mlp-task-b');
  const common = ['--backend', 'wasm', '--seed', '5'];

  beforeAll(() => trainTinyModel(modelDir, common, ['--classes', '0-4']), 120_000);

  it('trains task A with a head for every class and records the classes', async () => {
    const metadata = readModelMetadata(modelDir);
    expect(metadata?.classes).toEqual([0, 1, 2, 3, 4]);
    // The head keeps a unit per class of the data set.
    const topology = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
    expect(JSON.stringify(topology)).toContain('"units":10');
  });

  it('learns task B by slicing task A itself and prints one JSON object', async () => {
    const result = await run([
      'incremental',
      '--model',
      modelDir,
      '--task-a',
      '0-4',
      '--task-b',
      '5-9',
      '--strategy',
      'neusemslice',
      '--theta',
      '0.9',
      '--per-class',
      '20',
      '--epochs',
      '1',
      '--test-samples',
      '200',
      '--out',
      outDir,
      '--json',
      ...common,
    ]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    for (const field of ['taskA', 'taskB', 'mean', 'bwt', 'taskAIncremental', 'seconds']) {
      expect([field, typeof json[field]]).toEqual([field, 'number']);
    }
    expect(json.mean).toBeCloseTo((json.taskA + json.taskB) / 2, 12);
    expect(fs.existsSync(path.join(outDir, 'model.json'))).toBe(true);
    expect(fs.existsSync(path.join(outDir, 'task-a.slice.json'))).toBe(true);
    expect(fs.existsSync(path.join(outDir, 'incremental-report.json'))).toBe(true);
  }, 120_000);

  it('refuses bad input with exit code 2 before loading anything', async () => {
    const base = ['incremental', '--model', modelDir, '--out', path.join(directory, 'x')];
    const overlap = await run([...base, '--task-a', '0-4', '--task-b', '4-9']);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(/share a class/);
    const both = await run([...base, '--slice', modelDir, '--theta', '0.9']);
    expect(both.code).toBe(2);
    const strategy = await run([...base, '--strategy', 'lwf']);
    expect(strategy.code).toBe(2);
    expect(strategy.stderr).toMatch(/lwf/);
    const intoInput = await run(['incremental', '--model', modelDir, '--out', modelDir]);
    expect(intoInput.code).toBe(2);
    expect(intoInput.stderr).toMatch(/overwrite the input/);
    const classes = await run([
      'train',
      '--model',
      'mlp',
      '--dataset',
      'mnist',
      '--classes',
      'a',
      '--out',
      path.join(directory, 'y'),
    ]);
    expect(classes.code).toBe(2);
  });
});
