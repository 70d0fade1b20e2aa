import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, temporaryDirectory } from '../__fixtures__/cli-fixtures';
import { demoDirections } from './demo';

describe('demoDirections', () => {
  const paperLike = {
    alone: { compressionRate: 0.52, iterations: 7 },
    withSlice: { compressionRate: 0.53, iterations: 5 },
    full: { tpr: 1, ra: 0.9 },
    ours: { tpr: 0.27, ra: 0.89 },
    retrain: { taskA: 0, taskB: 0.985 },
    grown: { taskA: 0.989, taskB: 0.972 },
  };

  it("holds every claim on the paper's own MLP-MNIST figures", () => {
    expect(demoDirections(paperLike).every((direction) => direction.holds)).toBe(true);
  });

  it('says which claims fail when the figures go the other way', () => {
    const directions = demoDirections({
      ...paperLike,
      withSlice: { compressionRate: 0.6, iterations: 8 }, // more CR, but more iterations
      ours: { tpr: 0.7, ra: 0.5 }, // far below full training's RA
    });
    const failing = directions.filter((direction) => !direction.holds).map((d) => d.claim);
    expect(failing).toEqual([
      'slice + LAMP needs fewer pruning iterations than LAMP alone (Table 4)',
      'NeuSemSlice reaches the robust accuracy of full training, within 2 points (Table 5)',
    ]);
  });
});

describe('neusemslice demo', () => {
  const directory = temporaryDirectory('demo-cli-');

  it('refuses bad options in one line before any work', async () => {
    const out = path.join(directory, 'demo');
    for (const [extra, message] of [
      [['--test-samples', '0'], /--test-samples must be an integer in \[1, 10000\], got '0'/],
      [['--epochs', '0'], /--epochs must be an integer in \[1, 100\], got '0'/],
    ] as const) {
      const result = await run(['demo', '--out', out, ...extra]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect(fs.existsSync(out)).toBe(false);
  });
});
