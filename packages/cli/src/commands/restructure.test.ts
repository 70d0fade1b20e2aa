import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { directoryIOHandler } from '@neusemslice/models';
import { allowTrainingInTests, run, tinyModelAndSlice } from '../__fixtures__/cli-fixtures';

allowTrainingInTests();

describe('neusemslice restructure', () => {
  const { directory, modelDir, sliceFile, common } = tinyModelAndSlice(
    'neusemslice-restructure-',
    5,
  );
  const outDir = path.join(directory, 'mlp-restructured');
  /** `neusemslice restructure` of the tiny model and its slice into `out`, with `extra` options. */
  const restructure = (out: string, ...extra: string[]) =>
    run([
      'restructure',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--out',
      out,
      ...extra,
      ...common,
    ]);

  it('saves a smaller standard tfjs model with the masked model’s accuracy', async () => {
    const result = await restructure(outDir, '--test-samples', '400', '--json');
    if (result.code !== 0) throw new Error(result.stderr);
    const json = JSON.parse(result.stdout) as Record<string, number | string>;
    expect(json.command).toBe('restructure');
    expect(json.out).toBe(outDir);
    const parametersBefore = json.parametersBefore as number;
    const parametersAfter = json.parametersAfter as number;
    expect(parametersAfter).toBeLessThan(parametersBefore);
    expect(json.compressionRate).toBeCloseTo(1 - parametersAfter / parametersBefore, 10);
    expect(json.weightsBytesAfter).toBe(4 * parametersAfter);
    expect(json.gzipBytesAfter).toBeLessThan(json.gzipBytesBefore as number);
    // Same logits up to rounding: at most one of 400 predictions may flip on a near tie.
    expect(
      Math.abs((json.testAccuracy as number) - (json.testAccuracyMasked as number)),
    ).toBeLessThanOrEqual(1 / 400);
    expect(json.weightsFileBytesAfter).toBeLessThan(json.weightsFileBytesBefore as number);

    const loaded = await tf.loadLayersModel(directoryIOHandler(outDir));
    expect(loaded.countParams()).toBe(parametersAfter);
    const metadata = JSON.parse(fs.readFileSync(path.join(outDir, 'neusemslice.json'), 'utf8'));
    expect(metadata).toMatchObject({ dataset: 'mnist', parametersAfter });
    loaded.dispose();
  }, 60_000);

  it('with --fill mean folds the removed neurons’ means: the new model keeps the mean-filled masked accuracy', async () => {
    const meanOut = path.join(directory, 'mlp-restructured-mean');
    const result = await restructure(meanOut, '--test-samples', '400', '--fill', 'mean', '--json');
    if (result.code !== 0) throw new Error(result.stderr);
    const json = JSON.parse(result.stdout) as Record<string, number | string>;
    expect(json.fill).toBe('mean');
    expect(json.parametersAfter).toBeLessThan(json.parametersBefore as number);
    expect(
      Math.abs((json.testAccuracy as number) - (json.testAccuracyMasked as number)),
    ).toBeLessThanOrEqual(1 / 400);
    // The means come from the slice's own slicing data, which the slice file records.
    expect(result.stderr).toMatch(
      /neuron means over \d+ training samples per class .*slice’s own slicing data/,
    );
    const metadata = JSON.parse(fs.readFileSync(path.join(meanOut, 'neusemslice.json'), 'utf8'));
    expect(metadata).toMatchObject({ fill: 'mean' });
  }, 60_000);

  it.each([
    [['--fill', 'median'], /--fill must be zero or mean, got 'median'/],
    [['--mean-per-class', '50'], /--mean-per-class needs --fill mean/],
    [['--fill', 'mean', '--mean-per-class', '0'], /--mean-per-class/],
  ])('refuses %j with exit code 2 before loading anything', async (extra, message) => {
    const result = await restructure(path.join(directory, 'never-written'), ...extra);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(fs.existsSync(path.join(directory, 'never-written'))).toBe(false);
  });

  it('replaces its own earlier output with --force', async () => {
    const result = await restructure(outDir, '--test-samples', '100', '--force');
    expect(result.code).toBe(0);
    expect(fs.readdirSync(outDir).sort()).toEqual([
      'model.json',
      'neusemslice.json',
      'weights.bin',
    ]);
  }, 60_000);

  it.each([
    ['inside the model directory', () => path.join(modelDir, 'small')],
    ['the slice file itself', () => sliceFile],
  ])('refuses an --out %s with exit code 2 and writes nothing', async (_label, out) => {
    const before = fs.readdirSync(modelDir).sort();
    const sliceBytes = fs.readFileSync(sliceFile);
    const result = await restructure(out());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^neusemslice restructure: --out .* would overwrite the input/m);
    expect(fs.readdirSync(modelDir).sort()).toEqual(before);
    expect(fs.readFileSync(sliceFile)).toEqual(sliceBytes);
  });

  it('refuses an existing --out without --force', async () => {
    const existing = path.join(directory, 'existing');
    fs.mkdirSync(existing);
    const result = await restructure(existing);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('already exists; pass --force to replace it');
    expect(fs.readdirSync(existing)).toEqual([]);
  });
});
