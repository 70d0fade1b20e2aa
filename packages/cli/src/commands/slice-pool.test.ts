import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, temporaryDirectory, trainTinyModel } from '../__fixtures__/cli-fixtures';
import { startSlicingPoolAhead } from './slice';

describe('slice with a worker pool started ahead', () => {
  const directory = temporaryDirectory('neusemslice-slice-pool-');
  const modelDir = path.join(directory, 'mlp');
  const common = ['--backend', 'wasm', '--seed', '4'];
  beforeAll(() => trainTinyModel(modelDir, common), 120_000);

  const sliceWith = async (workers: string) => {
    const out = path.join(directory, `slice-${workers}.json`);
    const result = await run([
      'slice',
      '--model',
      modelDir,
      '--metric',
      'avg',
      '--theta',
      '0.9',
      '--per-class',
      '20',
      '--workers',
      workers,
      '--out',
      out,
      ...common,
    ]);
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    return JSON.parse(fs.readFileSync(out, 'utf8')) as { critical: Record<string, number[]> };
  };

  it('gives the single-thread slice with 2 threads (a pool started ahead)', async () => {
    const single = await sliceWith('1');
    const pooled = await sliceWith('2');
    expect(pooled.critical).toEqual(single.critical);
  }, 120_000);

  it('starts a pool only for the semantic slicer and more than one thread', async () => {
    expect(startSlicingPoolAhead('global', 2, 500, ['plugin.js'])).toBeUndefined();
    expect(startSlicingPoolAhead('semantic', 1, 500, ['plugin.js'])).toBeUndefined();
    // 100 per class (1,000 samples) is below 2,000 samples per thread: one thread, no pool.
    expect(startSlicingPoolAhead('semantic', undefined, 100, ['plugin.js'])).toBeUndefined();
  });
});
