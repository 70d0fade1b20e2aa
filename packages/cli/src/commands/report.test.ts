import * as fs from 'node:fs';
import * as path from 'node:path';
import { allowTrainingInTests, run, tinyModelAndSlice } from '../__fixtures__/cli-fixtures';

allowTrainingInTests();

describe('neusemslice report', () => {
  const { directory, modelDir, sliceFile, common } = tinyModelAndSlice('neusemslice-report-', 5, {
    perClass: '10',
    timeout: 180_000,
  });
  const reportFile = path.join(directory, 'report.html');
  const small = ['--test-samples', '200', '--sweep-per-class', '5', '--random-draws', '2'];

  it('writes a self-contained page and prints a summary with --json', async () => {
    const result = await run([
      'report',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--compare',
      sliceFile,
      '--sweep-values',
      '0.8,0.95',
      '--out',
      reportFile,
      '--json',
      ...small,
      ...common,
    ]);
    if (result.code !== 0) throw new Error(result.stderr);
    const json = JSON.parse(result.stdout) as {
      out: string;
      testSamples: number;
      sweep: { value: number }[];
      changes: { gained: number; lost: number }[];
      accuracy: { masked: number; restructured: number };
    };
    expect(json.out).toBe(path.resolve(reportFile));
    expect(json.testSamples).toBe(200);
    expect(json.sweep.map((point) => point.value)).toEqual([0.8, 0.95]);
    // A slice compared with itself gains and loses nothing.
    for (const row of json.changes) expect(row.gained + row.lost).toBe(0);
    expect(json.accuracy.restructured).toBe(json.accuracy.masked);
    const html = fs.readFileSync(reportFile, 'utf8');
    for (const section of ['composition', 'overlap', 'sweep', 'accuracy', 'changes'])
      expect(html).toContain(`data-section="${section}"`);
  }, 120_000);

  it('checks its options and output before loading anything', async () => {
    const base = ['report', '--model', modelDir, '--slice', sliceFile];
    const cases: [string[], string][] = [
      [[...base, '--out', sliceFile], `--out ${sliceFile} would overwrite the input`],
      [[...base, '--out', reportFile], 'already exists; pass --force to replace it'],
      [[...base, '--out', path.join(directory, 'r.html'), '--sweep-values', '0.9,1.5'], 'theta'],
      [
        [...base, '--out', path.join(directory, 'r.html'), '--random-draws', '0'],
        '--random-draws must be an integer',
      ],
      [[...base, '--out', path.join(modelDir, 'report.html')], 'would overwrite the input'],
    ];
    if (!fs.existsSync(reportFile)) fs.writeFileSync(reportFile, 'x');
    for (const [argv, message] of cases) {
      const { code, stderr } = await run(argv);
      expect(code).toBe(2);
      expect(stderr).toContain(message);
    }
    expect(fs.existsSync(path.join(directory, 'r.html'))).toBe(false);
  });

  it('never replaces a file that is not a slice report, even with --force', async () => {
    const notes = path.join(directory, 'notes.html');
    fs.writeFileSync(notes, '<p>my notes</p>');
    const { code, stderr } = await run([
      'report',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--out',
      notes,
      '--force',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('is not a slice report');
    expect(fs.readFileSync(notes, 'utf8')).toBe('<p>my notes</p>');
  });
});
