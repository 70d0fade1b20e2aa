import * as fs from 'node:fs';
import * as path from 'node:path';
import { allowTrainingInTests, run, temporaryDirectory } from './__fixtures__/cli-fixtures';

allowTrainingInTests();

/** The error lines of stderr (progress lines are not errors). */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('neusemslice'));
}

/** train → info → evaluate → slice → evaluate --slice on a small real MNIST subset. */
describe('the CLI workflow on real MNIST (small subset)', () => {
  const directory = temporaryDirectory('neusemslice-cli-');
  const modelDir = path.join(directory, 'mlp');
  const sliceFile = path.join(directory, 'slice.json');
  const common = ['--backend', 'wasm', '--seed', '3'];

  it('trains and saves a model that evaluate and info load', async () => {
    const trained = await run([
      'train',
      '--model',
      'mlp',
      '--dataset',
      'mnist',
      '--epochs',
      '1',
      '--train-samples',
      '2000',
      '--out',
      modelDir,
      ...common,
    ]);
    expect(trained.stderr).toContain('backend: wasm');
    if (trained.code !== 0) throw new Error(trained.stderr);
    expect(trained.code).toBe(0);
    const accuracy = Number(/test accuracy ([\d.]+)%/.exec(trained.stdout)?.[1]);
    expect(accuracy).toBeGreaterThan(80);

    const evaluated = await run([
      'evaluate',
      '--model',
      modelDir,
      '--test-samples',
      '1000',
      ...common,
    ]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/mnist\/test\[0:1000\]: accuracy [\d.]+% on 1000 samples/);
    expect(evaluated.stdout.match(/ {2}class \d/g)).toHaveLength(10);

    const info = await run(['info', '--model', modelDir]);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/fc1\s+dense\s+512 neurons/);
    expect(info.stdout).toContain('total parameters: 535818');
  });

  it('slices the model, saves a small slice, and evaluates the masked model', async () => {
    const sliced = await run([
      'slice',
      '--model',
      modelDir,
      '--metric',
      'avg',
      '--slicer',
      'semantic',
      '--theta',
      '0.9',
      '--per-class',
      '30',
      '--out',
      sliceFile,
      ...common,
    ]);
    expect(sliced.code).toBe(0);
    expect(sliced.stdout).toMatch(/compression rate [\d.]+%/);
    const sliceBytes = fs.statSync(sliceFile).size;
    expect(sliceBytes).toBeLessThan(10_000);
    const masked = await run([
      'evaluate',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--test-samples',
      '500',
      ...common,
    ]);
    expect(masked.code).toBe(0);
    expect(masked.stdout).toMatch(/neurons kept, compression rate/);
    expect(masked.stdout).toContain('(masked)');
  });

  it('refuses a slice made for other weights, and a corrupt slice file, in one line', async () => {
    const otherDir = path.join(directory, 'other');
    await run([
      'train',
      '--model',
      'mlp',
      '--dataset',
      'mnist',
      '--epochs',
      '1',
      '--train-samples',
      '300',
      '--out',
      otherDir,
      '--backend',
      'wasm',
      '--seed',
      '4',
    ]);
    const refused = await run([
      'evaluate',
      '--model',
      otherDir,
      '--slice',
      sliceFile,
      '--test-samples',
      '100',
      ...common,
    ]);
    expect(refused.code).toBe(2);
    expect(errorLines(refused.stderr)).toEqual([
      expect.stringMatching(/^neusemslice evaluate: slice was made for other weights of model/),
    ]);
    const corrupt = path.join(directory, 'corrupt.json');
    fs.writeFileSync(corrupt, fs.readFileSync(sliceFile, 'utf8').slice(0, 100));
    const broken = await run(['evaluate', '--model', modelDir, '--slice', corrupt, ...common]);
    expect(broken.code).toBe(2);
    expect(errorLines(broken.stderr)).toEqual([
      expect.stringContaining(`${corrupt}: not a slice file (invalid JSON`),
    ]);
  });
});
