// `neusemslice <command> --json` prints exactly one JSON object on stdout for every command: the
// result of a real (small) run where that is cheap, and the error object where it fails.
import * as path from 'node:path';
import { allowTrainingInTests, run, temporaryDirectory } from './__fixtures__/cli-fixtures';
import { commands } from './commands';

/** stdout parsed as one JSON object (JSON.parse throws on anything else, e.g. two objects). */
function onlyJsonObject(stdout: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(stdout);
  expect(parsed).toEqual(expect.any(Object));
  expect(Array.isArray(parsed)).toBe(false);
  return parsed as Record<string, unknown>;
}

const hasRequiredOption = (name: string): boolean =>
  Object.values(commands.find((command) => command.name === name)?.options ?? {}).some(
    (spec) => spec.required,
  );

describe.each(commands.map((command) => command.name))('neusemslice %s --json', (name) => {
  const words = name.split(' ');

  it('answers a usage error with one error object on stdout and the line on stderr', async () => {
    const failures = [
      [...words, '--json', '--not-an-option'],
      [...words, '--json', '--plugin', './no/such/plugin'],
      // The literal `neusemslice <command> --json`, where it fails fast on a missing option.
      ...(hasRequiredOption(name) ? [[...words, '--json']] : []),
    ];
    for (const argv of failures) {
      const { code, stdout, stderr } = await run(argv);
      expect(code).toBe(2);
      const json = onlyJsonObject(stdout);
      expect(json).toEqual({
        command: name,
        error: { kind: 'usage', message: expect.any(String) },
      });
      expect(stderr.trim()).toBe(
        `neusemslice ${name}: ${(json.error as { message: string }).message}`,
      );
    }
  });

  it('answers --help with one object holding the help text', async () => {
    const { code, stdout } = await run([...words, '--help', '--json']);
    expect(code).toBe(0);
    expect(onlyJsonObject(stdout)).toEqual({
      command: name,
      help: expect.stringMatching(new RegExp(`^Usage: neusemslice ${name}`)),
    });
  });
});

describe('--json on real small runs', () => {
  const directory = temporaryDirectory('cli-json-');
  const modelDir = path.join(directory, 'mlp');
  const sliceFile = path.join(directory, 'slice.json');
  const common = ['--backend', 'wasm', '--json'];
  beforeAll(allowTrainingInTests);

  /** Runs a command that must succeed and returns its JSON object. */
  async function runJson(argv: string[]): Promise<Record<string, unknown>> {
    const { code, stdout, stderr } = await run([...argv, ...common]);
    if (code !== 0) throw new Error(`${argv.join(' ')} failed: ${stderr}`);
    const json = onlyJsonObject(stdout);
    expect(json.command).toBe(argv[0]);
    return json;
  }

  it('train, info, evaluate, slice, restructure and attack each print one object', async () => {
    const trained = await runJson([
      'train',
      '--model',
      'mlp',
      '--dataset',
      'mnist',
      '--epochs',
      '1',
      '--train-samples',
      '300',
      '--seed',
      '3',
      '--out',
      modelDir,
    ]);
    expect(trained).toMatchObject({ out: modelDir, model: 'mlp', dataset: 'mnist', epochs: 1 });
    const info = await runJson(['info', '--model', modelDir]);
    expect(info.neuronLayers).toEqual(
      expect.arrayContaining([expect.objectContaining({ units: expect.any(Number) })]),
    );
    const evaluation = await runJson(['evaluate', '--model', modelDir, '--test-samples', '200']);
    expect(evaluation).toMatchObject({ samples: 200, masked: false });
    const slice = await runJson([
      'slice',
      '--model',
      modelDir,
      '--metric',
      'avg',
      '--theta',
      '0.9',
      '--per-class',
      '5',
      '--out',
      sliceFile,
    ]);
    expect(slice).toMatchObject({ out: sliceFile, metric: 'avg', slicer: 'semantic' });
    const masked = await runJson([
      'evaluate',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--test-samples',
      '200',
    ]);
    expect(masked).toMatchObject({ samples: 200, masked: true });
    await runJson([
      'restructure',
      '--model',
      modelDir,
      '--slice',
      sliceFile,
      '--test-samples',
      '200',
      '--out',
      path.join(directory, 'restructured'),
    ]);
    const attack = await runJson([
      'attack',
      '--model',
      modelDir,
      '--attack',
      'fgsm',
      '--samples',
      '50',
    ]);
    expect(attack.samples).toBe(50);
  }, 300_000);
});
