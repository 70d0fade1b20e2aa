import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MODEL_JSON_FILE, WEIGHTS_FILE } from '@neusemslice/models';
import { allowTrainingInTests, run, tinyModelAndSlice } from '../__fixtures__/cli-fixtures';

allowTrainingInTests();

/** Loads a saved model with stock tfjs (model.json + one weights file, no neusemslice code). */
async function loadWithStockTfjs(directory: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(fs.readFileSync(path.join(directory, MODEL_JSON_FILE), 'utf8'));
  const weights = fs.readFileSync(path.join(directory, WEIGHTS_FILE));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length),
    }),
  );
}

function parameterCount(model: tf.LayersModel): number {
  return model.countParams();
}

describe('neusemslice prune', () => {
  const { directory, modelDir, sliceFile, common } = tinyModelAndSlice('neusemslice-prune-', 6);
  const budget = [
    '--max-iterations',
    '2',
    '--tolerance',
    '100',
    '--fine-tune-samples',
    '300',
    '--test-samples',
    '300',
  ];

  it('checks every option before loading anything, in one line with exit code 2', async () => {
    const missing = path.join(directory, 'no-such-model');
    const cases: [string[], RegExp][] = [
      [['--pruner', 'lamb'], /unknown pruner 'lamb' \(registered: .*lamp.*\)/],
      [['--pruner', 'global', '--step', '1'], /--step 1: step must be a number in \(0, 1\), got 1/],
      [
        ['--pruner', 'global', '--tolerance', '-1'],
        /--tolerance -1: tolerance must be a number in \[0, 100\], got -1/,
      ],
      [
        ['--pruner', 'global', '--optimizer', 'rmsprop'],
        /--optimizer rmsprop: fine-tune.optimizer must be one of adam/,
      ],
      [
        ['--pruner', 'global', '--max-iterations', '0'],
        /--max-iterations 0: maxIterations must be an integer ≥ 1, got 0/,
      ],
    ];
    for (const [extra, message] of cases) {
      const result = await run([
        'prune',
        '--model',
        missing,
        '--out',
        path.join(directory, 'x'),
        ...extra,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    const overwrite = await run([
      'prune',
      '--model',
      modelDir,
      '--pruner',
      'global',
      '--out',
      modelDir,
    ]);
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toMatch(/--out .* would overwrite the input/);
    const intoSlice = await run([
      'prune',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--pruner',
      'global',
      '--out',
      sliceFile,
    ]);
    expect(intoSlice.code).toBe(2);
    expect(intoSlice.stderr).toMatch(/would overwrite the input/);
  });

  it('prunes alone and prints one JSON object; the saved model loads with stock tfjs', async () => {
    const outDir = path.join(directory, 'pruned-alone');
    const result = await run([
      'prune',
      '--model',
      modelDir,
      '--pruner',
      'global',
      '--step',
      '0.2',
      ...budget,
      '--out',
      outDir,
      '--json',
      ...common,
    ]);
    if (result.code !== 0) throw new Error(result.stderr);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ command: 'prune', pruner: 'global', iterations: 2 });
    expect(report.compressionRate).toBeCloseTo(1 - 0.8 ** 2, 4);
    expect(report.parametersAfter).toBeLessThan(report.parametersBefore);
    expect(report.out).toBe(path.resolve(outDir));
    const saved = await loadWithStockTfjs(outDir);
    // The pruner alone keeps every neuron: same shapes, pruned entries stored as zeros.
    expect(parameterCount(saved)).toBe(report.parametersBefore);
    saved.dispose();

    const again = await run(['prune', '--model', modelDir, '--pruner', 'global', '--out', outDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --force/);
  }, 120_000);

  it('prunes within a slice and saves the smaller, restructured model', async () => {
    const outDir = path.join(directory, 'pruned-sliced');
    const result = await run([
      'prune',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--pruner',
      'global',
      ...budget,
      '--out',
      outDir,
      '--json',
      ...common,
    ]);
    if (result.code !== 0) throw new Error(result.stderr);
    const report = JSON.parse(result.stdout);
    const saved = await loadWithStockTfjs(outDir);
    expect(parameterCount(saved)).toBeLessThan(report.parametersBefore);
    expect(report.parametersAfter).toBeLessThan(parameterCount(saved));
    expect(report.compressionRate).toBeGreaterThan(1 - 0.9 ** 2);
    saved.dispose();
  }, 120_000);
});
