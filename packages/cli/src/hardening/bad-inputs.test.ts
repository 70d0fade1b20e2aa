import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKEND_ENV_VARIABLE, NeuronModel, createSlice, saveSlice } from '@neusemslice/core';
import { loadModelFromDir } from '@neusemslice/models';
import { expectRefusal, runInProcess, saveTinyModel } from './cli-harness';

/** A parsed slice file, edited freely by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EditableJson = Record<string, any>;

/** Bad models, slices, backends, arguments and data dirs: each exit 2, one line, nothing changed. */
describe('bad input is refused with one line and exit code 2', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-bad-input-'));
  const modelDir = path.join(root, 'model');
  const nanModelDir = path.join(root, 'nan-model');
  const infModelDir = path.join(root, 'inf-model');
  const sliceFile = path.join(root, 'slice.json');
  const editedSlice = (name: string, edit: (json: EditableJson) => void): string => {
    const json = JSON.parse(fs.readFileSync(sliceFile, 'utf8')) as EditableJson;
    edit(json);
    const file = path.join(root, name);
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  };

  beforeAll(async () => {
    await saveTinyModel(modelDir);
    await saveTinyModel(nanModelDir, NaN);
    await saveTinyModel(infModelDir, Infinity);
    const model = new NeuronModel(await loadModelFromDir(modelDir));
    const [first, second] = model.neuronLayers;
    saveSlice(
      sliceFile,
      createSlice({
        model,
        metric: 'avg',
        slicer: 'global',
        options: { keepRatio: 0.5 },
        critical: { [first.name]: [0, 1], [second.name]: [2] },
      }),
    );
    model.model.dispose();
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  afterEach(() => {
    delete process.env[BACKEND_ENV_VARIABLE];
  });

  describe('info', () => {
    it('activates a backend and describes a valid model', async () => {
      const { code, stdout, stderr } = await runInProcess([
        'info',
        '--model',
        modelDir,
        '--backend',
        'cpu',
      ]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: 'backend: cpu (forced)\n' });
      expect(stdout).toContain('total parameters:');
    });

    it('names an unknown backend, where it came from, and the known ones', async () => {
      await expectRefusal(
        root,
        ['info', '--model', modelDir, '--backend', 'nonsense'],
        /--backend: unknown backend 'nonsense' \(known backends: .*cpu/,
      );
      process.env[BACKEND_ENV_VARIABLE] = 'nonsense';
      for (const command of [
        ['info'],
        ['evaluate'],
        ['slice', '--out', path.join(root, 's.json')],
      ]) {
        await expectRefusal(
          root,
          [...command, '--model', modelDir],
          /NEUSEMSLICE_BACKEND: unknown backend 'nonsense' \(known backends: .*wasm.*\)/,
        );
      }
    });
  });

  describe('models with NaN or infinite weights', () => {
    it.each([
      ['info', 'NaN'],
      ['evaluate', 'NaN'],
      ['evaluate', 'Infinity'],
    ])('%s refuses a model holding %s, naming the layer', async (command, value) => {
      const directory = value === 'NaN' ? nanModelDir : infModelDir;
      await expectRefusal(
        root,
        [command, '--model', directory, '--backend', 'cpu'],
        new RegExp(`weight fc1/kernel of layer 'fc1' holds ${value}`),
      );
    });

    it('slice refuses one too, before writing anything', async () => {
      await expectRefusal(
        root,
        [
          'slice',
          '--model',
          nanModelDir,
          '--backend',
          'cpu',
          '--slicer',
          'global',
          '--keep-ratio',
          '0.5',
          '--out',
          path.join(root, 'new.json'),
        ],
        /holds NaN/,
      );
    });
  });

  describe('slices that do not fit the model', () => {
    const evaluate = (slice: string) => [
      'evaluate',
      '--model',
      modelDir,
      '--backend',
      'cpu',
      '--slice',
      slice,
    ];

    it.each<[string, (json: EditableJson) => void, RegExp]>([
      [
        '"critical": null',
        (json) => (json.critical = null),
        /field critical must be an object .* got null/,
      ],
      [
        'a layer left out',
        (json) => delete json.critical[json.model.neuronLayers[1].name],
        /critical has no set for neuron layer/,
      ],
      [
        'units edited (bitset re-encoded to match)',
        (json) => {
          const layer = json.model.neuronLayers[0];
          layer.units *= 2;
          json.critical[layer.name] = Buffer.alloc(layer.units / 8, 0xff).toString('base64');
        },
        /slice says layer '\w+' has \d+ neurons, the model has \d+/,
      ],
      [
        'a layer with units as text',
        (json) => (json.model.neuronLayers[0].units = '16'),
        /units must be a positive integer/,
      ],
      ['not JSON', () => undefined, /not a slice file/],
    ])('refuses a slice with %s', async (name, edit, message) => {
      const file =
        name === 'not JSON'
          ? (fs.writeFileSync(path.join(root, 'garbage.json'), '{"critical":'),
            path.join(root, 'garbage.json'))
          : editedSlice(`${name.replace(/\W+/g, '-')}.json`, edit);
      await expectRefusal(root, evaluate(file), message);
    });
  });

  describe('arguments, checked before anything is loaded', () => {
    // A model that does not exist: an error about it would mean the argument was checked late.
    const missing = path.join(root, 'no-model');

    it.each<[string[], string]>([
      [
        ['slice', '--theta', '-1'],
        '--theta -1: slicer-semantic: theta must be a number in (0, 1], got -1',
      ],
      [
        ['slice', '--theta', '0'],
        '--theta 0: slicer-semantic: theta must be a number in (0, 1], got 0',
      ],
      [
        ['slice', '--theta', '1.5'],
        '--theta 1.5: slicer-semantic: theta must be a number in (0, 1], got 1.5',
      ],
      [['slice', '--theta', 'high'], "--theta must be a number, got 'high'"],
      [['slice', '--slicer', 'global'], '--slicer global: --keep-ratio <k> is required'],
      [
        ['slice', '--slicer', 'global', '--keep-ratio', '-0.5'],
        '--keep-ratio -0.5: slicer: keepRatio must be a number in (0, 1], got -0.5',
      ],
      [['slice', '--batch-size', '0'], "--batch-size must be an integer in [1, 65536], got '0'"],
      [['evaluate', '--batch-size', '0'], "--batch-size must be an integer in [1, 65536], got '0'"],
      [['evaluate', '--seed', 'abc'], "--seed must be an integer in [0, 2147483647], got 'abc'"],
      [['evaluate', '--seed', '-3'], "--seed must be an integer in [0, 2147483647], got '-3'"],
      [
        ['evaluate', '--test-samples', '0'],
        "--test-samples must be an integer in [1, 1000000000], got '0'",
      ],
      [
        ['evaluate', '--data-dir', path.join(root, 'no-data')],
        `--data-dir ${path.join(root, 'no-data')} does not exist`,
      ],
      [
        ['demo', '--theta', '0'],
        '--theta 0: slicer-semantic: theta must be a number in (0, 1], got 0',
      ],
    ])('%j → %s', async (argv, message) => {
      const out = argv[0] === 'slice' ? ['--out', path.join(root, 'out.json')] : [];
      const model = argv[0] === 'demo' ? ['--out', path.join(root, 'demo')] : ['--model', missing];
      await expectRefusal(root, [...argv, ...model, ...out], message);
    });

    it('train checks its arguments too (model name, resume without a checkpoint)', async () => {
      const train = ['train', '--dataset', 'mnist', '--out', path.join(root, 'trained')];
      await expectRefusal(
        root,
        [...train, '--model', 'resnet'],
        "--model: unknown zoo model 'resnet'",
      );
      await expectRefusal(
        root,
        [...train, '--model', 'mlp', '--epochs', '-2'],
        "--epochs must be an integer in [1, 1000], got '-2'",
      );
      await expectRefusal(
        root,
        [...train, '--model', 'mlp', '--resume'],
        /--resume|no checkpoint to resume from/,
      );
    });
  });

  describe('an explicit --data-dir', () => {
    it('that is empty fails naming the files missing there (the bundled MNIST is not used)', async () => {
      const empty = path.join(root, 'empty-data');
      fs.mkdirSync(empty, { recursive: true });
      await expectRefusal(
        root,
        ['evaluate', '--model', modelDir, '--backend', 'cpu', '--data-dir', empty],
        `mnist/test not found in the given data dir ${empty}`,
      );
    });

    it('fails without leaving the new output folders it would have written into', async () => {
      const empty = path.join(root, 'empty-data');
      fs.mkdirSync(empty, { recursive: true });
      await expectRefusal(
        root,
        [
          'train',
          '--model',
          'mlp',
          '--dataset',
          'mnist',
          '--backend',
          'cpu',
          '--data-dir',
          empty,
          '--out',
          path.join(root, 'new', 'deep', 'model'),
        ],
        `mnist/train not found in the given data dir ${empty}`,
      );
    });

    it('that is a file fails naming it', async () => {
      await expectRefusal(
        root,
        ['evaluate', '--model', modelDir, '--data-dir', sliceFile],
        `--data-dir ${sliceFile} is not a directory`,
      );
    });
  });
});
