import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { acquireOutputLock, isUsageError, outputLockPath } from '@neusemslice/core';
import { createModel } from '../zoo/registry';
import { MODEL_JSON_FILE, WEIGHTS_FILE } from './directory-io-handler';
import { loadModelFromDir, saveModelToDir } from './model-dir';

// One mutable fs object for this file and the modules it loads, so a test can make it fail.
jest.mock('node:fs', () => ({ __esModule: true, ...jest.requireActual('node:fs') }));

/** The fs calls that change the disk: a crash can strike between any two of them. */
const MUTATING_CALLS = [
  'writeFileSync',
  'renameSync',
  'mkdirSync',
  'rmSync',
  'openSync',
  'writeSync',
] as const;

/**
 * Lets `allowed` mutating fs calls through, then fails every later one, as if the process died
 * there: not even clean-up code gets to change the disk. Returns a function that undoes it.
 */
function crashAfter(allowed: number): { restore: () => void; calls: () => number } {
  let calls = 0;
  const spies = MUTATING_CALLS.map((name) => {
    const original = (fs as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
    return jest
      .spyOn(fs as unknown as Record<string, (...args: unknown[]) => unknown>, name)
      .mockImplementation((...args: unknown[]) => {
        calls += 1;
        if (calls > allowed) throw new Error(`injected I/O error at ${name} (call ${calls})`);
        return original(...args);
      });
  });
  return { restore: () => spies.forEach((spy) => spy.mockRestore()), calls: () => calls };
}

function smallMlp(seed: number): tf.LayersModel {
  return createModel('mlp', { inputShape: [4, 4, 1], numClasses: 3, seed, widthScale: 1 / 16 });
}

function weightsOf(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((weight) => Array.from(weight.dataSync()));
}

let workDir: string;
beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'models-safety-'));
});
afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

describe('saveModelToDir replaces a model directory atomically', () => {
  it('leaves the old model or the new one, complete, whichever write a crash strikes', async () => {
    const directory = path.join(workDir, 'model');
    const oldModel = smallMlp(1);
    const newModel = smallMlp(2);
    const oldWeights = weightsOf(oldModel);
    const newWeights = weightsOf(newModel);
    expect(oldWeights).not.toEqual(newWeights);

    // Count the writes of one save, then crash after each of them in turn.
    await saveModelToDir(oldModel, directory, { seed: 1 });
    const counter = crashAfter(Number.POSITIVE_INFINITY);
    await saveModelToDir(newModel, directory, { seed: 2 });
    counter.restore();
    const writesPerSave = counter.calls();
    expect(writesPerSave).toBeGreaterThan(4);

    const outcomes = new Set<string>();
    for (let allowed = 0; allowed < writesPerSave; allowed++) {
      fs.rmSync(directory, { recursive: true, force: true });
      for (const name of fs.readdirSync(workDir))
        fs.rmSync(path.join(workDir, name), { recursive: true });
      await saveModelToDir(oldModel, directory, { seed: 1 });
      const crash = crashAfter(allowed);
      const error = await saveModelToDir(newModel, directory, { seed: 2 }).then(
        () => undefined,
        (caught: Error) => caught,
      );
      crash.restore();
      expect(error?.message).toMatch(/injected I\/O error/);
      const loaded = await loadModelFromDir(directory);
      const loadedWeights = weightsOf(loaded);
      loaded.dispose();
      const which =
        JSON.stringify(loadedWeights) === JSON.stringify(oldWeights)
          ? 'old'
          : JSON.stringify(loadedWeights) === JSON.stringify(newWeights)
            ? 'new'
            : 'mixed';
      expect({ crashAfterWrites: allowed, loaded: which }).toEqual({
        crashAfterWrites: allowed,
        loaded: expect.stringMatching(/^(old|new)$/),
      });
      outcomes.add(which);
    }
    expect([...outcomes].sort()).toEqual(['new', 'old']);
    // The next writer takes over the stale lock.
    await saveModelToDir(newModel, directory);
    expect(weightsOf(await loadModelFromDir(directory))).toEqual(newWeights);
    // ... and clears what the crashed one left beside the directory.
    expect(fs.readdirSync(workDir)).toEqual(['model']);
    oldModel.dispose();
    newModel.dispose();
  });

  it('replaces the whole directory, leaving no stale file of the old model', async () => {
    const directory = path.join(workDir, 'model');
    const model = smallMlp(3);
    await saveModelToDir(model, directory);
    fs.writeFileSync(path.join(directory, 'stray.txt'), 'old');
    await saveModelToDir(model, directory);
    expect(fs.readdirSync(directory).sort()).toEqual(
      [MODEL_JSON_FILE, 'neusemslice.json', WEIGHTS_FILE].sort(),
    );
    model.dispose();
  });

  it('refuses a second writer while a live process holds the lock, and takes over a stale lock', async () => {
    const directory = path.join(workDir, 'model');
    const model = smallMlp(4);
    // A live process (our parent) holds the lock.
    fs.writeFileSync(outputLockPath(directory), `${process.ppid}\n`);
    const error = await saveModelToDir(model, directory).then(
      () => undefined,
      (caught: Error) => caught,
    );
    expect(isUsageError(error)).toBe(true);
    expect(error?.message).toContain(`is being written by process ${process.ppid}`);
    expect(fs.existsSync(directory)).toBe(false);

    // A dead process's lock is stale: the save goes ahead and removes it.
    fs.writeFileSync(outputLockPath(directory), '99999999\n');
    await saveModelToDir(model, directory);
    expect(fs.existsSync(path.join(directory, MODEL_JSON_FILE))).toBe(true);
    expect(fs.existsSync(outputLockPath(directory))).toBe(false);
    model.dispose();
  });

  it('lets the process that holds the lock save (re-entrant) and keeps the lock until released', async () => {
    const directory = path.join(workDir, 'model');
    const model = smallMlp(5);
    const lock = acquireOutputLock(directory);
    await saveModelToDir(model, directory);
    expect(fs.existsSync(lock.lockPath)).toBe(true);
    lock.release();
    expect(fs.existsSync(lock.lockPath)).toBe(false);
    model.dispose();
  });
});

describe('loadModelFromDir refuses weights that are not finite', () => {
  it.each([NaN, Infinity])(
    'names the layer holding %s, even when the checksum matches',
    async (bad) => {
      const directory = path.join(workDir, 'model');
      const model = smallMlp(6);
      const weights = model.getWeights();
      const kernel = weights[2].bufferSync();
      kernel.values[3] = bad;
      model.setWeights(weights.map((weight, index) => (index === 2 ? kernel.toTensor() : weight)));
      await saveModelToDir(model, directory);
      const error = await loadModelFromDir(directory).then(
        () => undefined,
        (caught: Error) => caught,
      );
      expect(isUsageError(error)).toBe(true);
      // The saved weight names are `<layer>/<weight>`: the message names that layer.
      const layerName = model.weights[2].originalName.split('/')[0];
      expect(error?.message).toContain(`holds ${bad}`);
      expect(error?.message).toContain(`of layer '${layerName}'`);
      model.dispose();
    },
  );
});
