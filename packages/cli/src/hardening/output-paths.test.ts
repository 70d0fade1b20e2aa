import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectRefusal, saveTinyModel } from './cli-harness';

/**
 * Outputs are checked before any work: never an input, never of another kind, never replaced
 * without --force, never written by two runs at once. Each refusal: exit 2, one line, no change.
 */
describe('outputs are checked before any work', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-outputs-'));
  const modelDir = path.join(root, 'model');
  const otherFile = path.join(root, 'notes.txt');
  const foreignDir = path.join(root, 'photos');
  const train = ['train', '--model', 'mlp', '--dataset', 'mnist', '--epochs', '1'];
  const slice = ['slice', '--model', modelDir, '--slicer', 'global', '--keep-ratio', '0.5'];

  beforeAll(async () => {
    await saveTinyModel(modelDir);
    fs.writeFileSync(otherFile, 'my notes');
    fs.mkdirSync(foreignDir);
    fs.writeFileSync(path.join(foreignDir, 'holiday.jpg'), 'jpeg');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('never writes a slice over the model it reads (its model.json or the directory)', async () => {
    for (const out of [path.join(modelDir, 'model.json'), modelDir]) {
      await expectRefusal(root, [...slice, '--out', out, '--force'], 'would overwrite the input');
    }
  });

  it('never replaces a file that is not a slice, and needs --force for one that is', async () => {
    await expectRefusal(
      root,
      [...slice, '--out', otherFile, '--force'],
      `--out ${otherFile} exists and is not a slice file`,
    );
    await expectRefusal(
      root,
      [...slice, '--out', otherFile],
      `--out ${otherFile} already exists; pass --force to replace it`,
    );
    await expectRefusal(root, [...slice, '--out', foreignDir], 'is a directory; expected a file');
  });

  it('never trains into an existing model without --force, nor into a folder of other files', async () => {
    await expectRefusal(root, [...train, '--out', modelDir], 'already exists; pass --force');
    await expectRefusal(
      root,
      [...train, '--out', foreignDir, '--force'],
      'is not a saved model directory',
    );
    await expectRefusal(
      root,
      [...train, '--out', otherFile, '--force'],
      'is a file; expected a directory',
    );
    await expectRefusal(
      root,
      ['demo', '--out', foreignDir, '--force'],
      'holds files the demo did not write (holiday.jpg)',
    );
  });

  it('refuses an output another live run is writing (its lock), before loading anything', async () => {
    const out = path.join(root, 'busy');
    const lockFile = path.join(root, '.busy.lock');
    fs.writeFileSync(lockFile, `${process.ppid}\n`); // a live process: our parent
    try {
      await expectRefusal(
        root,
        [...train, '--out', out],
        `is being written by process ${process.ppid}`,
      );
    } finally {
      fs.rmSync(lockFile);
    }
  });

  it('refuses an output that cannot be created (here /proc/x), instead of hanging', async () => {
    if (!fs.existsSync('/proc/self')) return; // Linux only
    await expectRefusal(
      root,
      [...train, '--out', '/proc/neusemslice-x'],
      /--out \/proc\/neusemslice-x: cannot create the lock file/,
    );
  });
});
