import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { runCli } from '../main';

// tfjs's per-kernel leak check (IS_TEST) misreports a leak for fused matmul with bias while
// gradients are recorded; training here is checked end to end (as in workflow.test.ts).
tf.env().set('IS_TEST', false);

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('neusemslice report', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'neusemslice-report-'));
  const modelDir = path.join(directory, 'mlp');
  const sliceFile = path.join(directory, 'slice.json');
  const reportFile = path.join(directory, 'report.html');
  const common = ['--backend', 'wasm', '--seed', '5'];
  const small = ['--test-samples', '200', '--sweep-per-class', '5', '--random-draws', '2'];

  beforeAll(async () => {
    const trained = await run([
      'train',
      '--model',
      'mlp',
      '--dataset',
      'mnist',
      '--epochs',
      '1',
      '--train-samples',
      '1000',
      '--out',
      modelDir,
      ...common,
    ]);
    if (trained.code !== 0) throw new Error(trained.stderr);
    const sliced = await run([
      'slice',
      '--model',
      modelDir,
      '--metric',
      'avg',
      '--theta',
      '0.9',
      '--per-class',
      '10',
      '--out',
      sliceFile,
      ...common,
    ]);
    if (sliced.code !== 0) throw new Error(sliced.stderr);
  }, 180_000);

  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

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
