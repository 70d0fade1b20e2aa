import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointStore } from './checkpoint-store';
import {
  formatMeanStd,
  formatPercentMeanStd,
  markdownTable,
  meanStd,
  meanStdOf,
} from './summary-stats';
import { parseSettings, studySetting } from './settings';

describe('meanStd', () => {
  it('gives the mean and the sample standard deviation', () => {
    const stats = meanStd([1, 2, 3, 4]);
    expect(stats.mean).toBe(2.5);
    expect(stats.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(formatMeanStd(stats)).toBe('2.5 ± 1.3');
    expect(formatPercentMeanStd(meanStd([0.5]))).toBe('50.00%');
    expect(formatPercentMeanStd(meanStd([]))).toBe('–');
  });

  it('writes Markdown tables with right-aligned figures', () => {
    expect(markdownTable(['a', 'b'], [['x', '1']])).toBe('| a | b |\n| --- | ---: |\n| x | 1 |');
  });
});

describe('settings', () => {
  it('knows the three runnable settings and names the known ones on a typo', () => {
    expect(parseSettings('mlp-mnist, lenet5-fashion-mnist').map((s) => s.label)).toEqual([
      'MLP-MNIST',
      'LeNet5-FMNIST',
    ]);
    expect(() => studySetting('mlp-mnsit')).toThrow(
      "unknown setting 'mlp-mnsit' (expected mlp-mnist | mlp-fashion-mnist | lenet5-fashion-mnist)",
    );
  });
});

describe('CheckpointStore', () => {
  it('computes a point once and finds it again after a restart', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-')), 'points.json');
    const compute = jest.fn(async () => ({ accuracy: 0.9 }));
    const first = new CheckpointStore<{ accuracy: number }>(file, 'config-1');
    await first.getOrCompute('seed-1', compute);
    const second = new CheckpointStore<{ accuracy: number }>(file, 'config-1');
    expect(await second.getOrCompute('seed-1', compute)).toEqual({ accuracy: 0.9 });
    expect(compute).toHaveBeenCalledTimes(1);
    expect(() => new CheckpointStore(file, 'config-2')).toThrow(/another configuration/);
    fs.writeFileSync(file, '{"configuration":');
    expect(() => new CheckpointStore(file, 'config-1')).toThrow(/not valid JSON/);
  });
});

describe('meanStdOf', () => {
  it('gives mean ± std of each named field', () => {
    const cell = meanStdOf(
      [
        { a: 1, b: 10 },
        { a: 3, b: 10 },
      ],
      ['a', 'b'],
    );
    expect(cell.a.mean).toBe(2);
    expect(cell.b).toEqual({ mean: 10, std: 0, count: 2 });
  });
});
