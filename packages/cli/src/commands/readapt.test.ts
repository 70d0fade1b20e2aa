import * as fs from 'node:fs';
import * as path from 'node:path';
import { allowTrainingInTests, run, tinyModelAndSlice } from '../__fixtures__/cli-fixtures';

allowTrainingInTests();

describe('neusemslice attack and readapt', () => {
  const { directory, modelDir, sliceFile, common } = tinyModelAndSlice('neusemslice-readapt-', 4);

  it('checks every option before loading anything, in one line with exit code 2', async () => {
    const missing = path.join(directory, 'no-such-model');
    const cases: [string[], RegExp][] = [
      [['attack', '--model', missing, '--attack', 'cw'], /unknown attack 'cw'/],
      [['attack', '--model', missing, '--attack', 'fgsm', '--epsilon', '-1'], /--epsilon/],
      [['attack', '--model', missing, '--attack', 'pgd', '--steps', '0'], /--steps/],
      [
        [
          'readapt',
          '--model',
          missing,
          '--slice',
          sliceFile,
          '--attack',
          'fgsm',
          '--strategy',
          'half',
          '--out',
          path.join(directory, 'x'),
        ],
        /--strategy must be one of neusemslice \| full \| deeparc \| neusemslice\+deeparc, got 'half'/,
      ],
      [
        [
          'readapt',
          '--model',
          modelDir,
          '--slice',
          sliceFile,
          '--attack',
          'fgsm',
          '--out',
          modelDir,
        ],
        /--out .* would overwrite the input/,
      ],
      [
        [
          'readapt',
          '--model',
          missing,
          '--slice',
          sliceFile,
          '--attack',
          'fgsm',
          '--epochs',
          '0',
          '--out',
          path.join(directory, 'x'),
        ],
        /--epochs/,
      ],
    ];
    for (const [argv, message] of cases) {
      const result = await run(argv);
      expect([argv.join(' '), result.code]).toEqual([argv.join(' '), 2]);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  });

  it('reports robust and clean accuracy with --json', async () => {
    const result = await run([
      'attack',
      '--model',
      modelDir,
      '--attack',
      'fgsm',
      '--samples',
      '100',
      '--json',
      ...common,
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.samples).toBe(100);
    expect(report.robustAccuracy).toBeLessThan(report.cleanAccuracy);
  }, 60_000);

  it('repairs the model, saves it and reports tpr, ra, raa, cleanAccuracy and seconds', async () => {
    const out = path.join(directory, 'repaired');
    const result = await run([
      'readapt',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--attack',
      'fgsm',
      '--strategy',
      'neusemslice',
      '--epochs',
      '1',
      '--samples',
      '100',
      '--test-samples',
      '100',
      '--out',
      out,
      '--json',
      ...common,
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    for (const name of ['tpr', 'ra', 'raa', 'cleanAccuracy', 'seconds']) {
      expect([name, Number.isFinite(report[name])]).toEqual([name, true]);
    }
    expect(report.tpr).toBeGreaterThan(0);
    expect(report.tpr).toBeLessThan(1);
    expect(fs.existsSync(path.join(out, 'model.json'))).toBe(true);
    const again = await run([
      'readapt',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--attack',
      'fgsm',
      '--out',
      out,
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --force/);
  }, 120_000);
});
