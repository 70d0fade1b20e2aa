import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { NeuronModel, isUsageError } from '@neusemslice/core';
import { makeSeparableDataset } from '@neusemslice/core/testing';
import { trainModel } from '../training/train-model';
import { createModel } from '../zoo/registry';
import { MODEL_JSON_FILE, WEIGHTS_FILE } from './directory-io-handler';
import { METADATA_FILE, readModelMetadata } from './model-metadata';
import { loadModelFromDir, saveModelToDir } from './model-dir';

let workDir: string;
beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'models-io-'));
});
afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

function predictionBytes(model: tf.LayersModel, inputs: tf.Tensor): Buffer {
  const logits = model.predict(inputs) as tf.Tensor;
  const bytes = Buffer.from((logits.dataSync() as Float32Array).buffer);
  logits.dispose();
  return bytes;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('resolved'),
    (error: Error) => error,
  );
}

async function savedSmallMlp(directory: string): Promise<tf.LayersModel> {
  const model = createModel('mlp', {
    inputShape: [4, 4, 1],
    numClasses: 3,
    seed: 9,
    widthScale: 1 / 16,
  });
  await saveModelToDir(model, directory, {
    modelName: 'mlp',
    dataset: 'toy',
    seed: 9,
    testAccuracy: 0.5,
  });
  return model;
}

describe('saveModelToDir / loadModelFromDir', () => {
  it('round-trips an MLP: same layers, bit-identical predictions, metadata beside it', async () => {
    const directory = path.join(workDir, 'nested', 'mlp');
    const model = await savedSmallMlp(directory);
    expect(fs.readdirSync(directory).sort()).toEqual(
      [MODEL_JSON_FILE, METADATA_FILE, WEIGHTS_FILE].sort(),
    );
    const loaded = await loadModelFromDir(directory);
    expect(loaded.layers.map((layer) => layer.name)).toEqual(
      model.layers.map((layer) => layer.name),
    );
    const inputs = tf.randomUniform([5, 4, 4, 1], 0, 1, 'float32', 2);
    expect(predictionBytes(loaded, inputs).equals(predictionBytes(model, inputs))).toBe(true);
    const metadata = readModelMetadata(directory);
    expect(metadata).toMatchObject({
      modelName: 'mlp',
      dataset: 'toy',
      seed: 9,
      testAccuracy: 0.5,
    });
    expect(Date.now() - Date.parse(metadata?.savedAt ?? '')).toBeLessThan(60_000);
    tf.dispose(inputs);
    [model, loaded].forEach((each) => each.dispose());
  });

  it('round-trips a trained batch-norm ResNet, moving statistics included', async () => {
    const data = makeSeparableDataset({
      noise: 0.5,
      samplesPerClass: 4,
      numClasses: 2,
      inputShape: [8, 8, 3],
      seed: 4,
    });
    const model = createModel('resnet18', {
      inputShape: [8, 8, 3],
      numClasses: 2,
      seed: 2,
      widthScale: 1 / 16,
    });
    await trainModel(model, data, { epochs: 1, batchSize: 4, learningRate: 0.01, seed: 1 });
    await saveModelToDir(model, workDir);
    const loaded = await loadModelFromDir(workDir);
    const inputs = tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 5);
    expect(predictionBytes(loaded, inputs).equals(predictionBytes(model, inputs))).toBe(true);
    expect(new NeuronModel(loaded).neuronLayers.map((layer) => layer.name)).toEqual(
      new NeuronModel(model).neuronLayers.map((layer) => layer.name),
    );
    expect(readModelMetadata(workDir)?.modelName).toBe('resnet18');
    tf.dispose(inputs);
    [model, loaded].forEach((each) => each.dispose());
  });

  it('loads a standard tfjs model.json without this package’s checksum', async () => {
    const model = await savedSmallMlp(workDir);
    const modelJsonPath = path.join(workDir, MODEL_JSON_FILE);
    const { neusemslice: _checksum, ...standard } = JSON.parse(
      fs.readFileSync(modelJsonPath, 'utf8'),
    );
    fs.writeFileSync(modelJsonPath, JSON.stringify(standard));
    const loaded = await loadModelFromDir(workDir);
    expect(loaded.countParams()).toBe(model.countParams());
    [model, loaded].forEach((each) => each.dispose());
  });

  describe('gives a UsageError naming the file at fault', () => {
    it('for a truncated weights file', async () => {
      (await savedSmallMlp(workDir)).dispose();
      const weightsPath = path.join(workDir, WEIGHTS_FILE);
      const bytes = fs.readFileSync(weightsPath);
      fs.writeFileSync(weightsPath, bytes.subarray(0, bytes.length - 10));
      const error = await rejection(loadModelFromDir(workDir));
      expect(isUsageError(error)).toBe(true);
      expect(error.message).toContain(weightsPath);
      expect(error.message).toContain(`${bytes.length - 10} bytes`);
      expect(error.message).toContain(`${bytes.length}`);
    });

    it('for a weights file with a changed byte', async () => {
      (await savedSmallMlp(workDir)).dispose();
      const weightsPath = path.join(workDir, WEIGHTS_FILE);
      const bytes = fs.readFileSync(weightsPath);
      bytes[17] ^= 0xff;
      fs.writeFileSync(weightsPath, bytes);
      const error = await rejection(loadModelFromDir(workDir));
      expect(isUsageError(error)).toBe(true);
      expect(error.message).toMatch(new RegExp(`${WEIGHTS_FILE} is corrupt: its SHA-256`));
    });

    it('for a missing weights file, model.json, or directory', async () => {
      (await savedSmallMlp(workDir)).dispose();
      fs.rmSync(path.join(workDir, WEIGHTS_FILE));
      expect((await rejection(loadModelFromDir(workDir))).message).toContain(
        `${path.join(workDir, WEIGHTS_FILE)} is missing`,
      );
      fs.rmSync(path.join(workDir, MODEL_JSON_FILE));
      expect((await rejection(loadModelFromDir(workDir))).message).toContain(
        `${path.join(workDir, MODEL_JSON_FILE)} is missing`,
      );
      const absent = path.join(workDir, 'absent');
      const error = await rejection(loadModelFromDir(absent));
      expect(isUsageError(error)).toBe(true);
      expect(error.message).toContain(`'${absent}' does not exist`);
    });

    it('for a model.json that is not JSON, not a model, or points outside the directory', async () => {
      (await savedSmallMlp(workDir)).dispose();
      const modelJsonPath = path.join(workDir, MODEL_JSON_FILE);
      const saved = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
      const variants: [string, RegExp][] = [
        ['{"modelTopology": {"class_name": "Mod', /is not valid JSON/],
        ['[1, 2]', /is not a tfjs layers model/],
        [
          JSON.stringify({ ...saved, modelTopology: { class_name: 'NoSuchModel', config: {} } }),
          /cannot rebuild the model of/,
        ],
        [
          JSON.stringify({
            ...saved,
            weightsManifest: [{ paths: ['../weights.bin'], weights: [] }],
          }),
          /names the weights file '\.\.\/weights\.bin'/,
        ],
      ];
      for (const [content, message] of variants) {
        fs.writeFileSync(modelJsonPath, content);
        const error = await rejection(loadModelFromDir(workDir));
        expect(isUsageError(error)).toBe(true);
        expect(error.message).toMatch(message);
        expect(error.message).toContain(modelJsonPath);
      }
    });
  });

  it('reads no metadata from a directory without it and rejects a corrupt metadata file', async () => {
    expect(readModelMetadata(workDir)).toBeUndefined();
    fs.writeFileSync(path.join(workDir, METADATA_FILE), 'not json');
    expect(() => readModelMetadata(workDir)).toThrow(
      new RegExp(`${METADATA_FILE} is not valid JSON`),
    );
  });
});
