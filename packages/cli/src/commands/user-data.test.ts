import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { allowTrainingInTests, run, temporaryDirectory } from '../__fixtures__/cli-fixtures';

allowTrainingInTests();

/** The bytes of a little-endian .npy file (format 1.0). */
function npy(descr: '<f4' | '<i8', shape: number[], values: number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 11) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  const data = Buffer.alloc(values.length * (descr === '<f4' ? 4 : 8));
  values.forEach((value, index) => {
    if (descr === '<f4') data.writeFloatLE(value, 4 * index);
    else data.writeBigInt64LE(BigInt(value), 8 * index);
  });
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

/** Saves a model the way stock tfjs's `model.save('file://dir')` lays it out (no extra files). */
async function saveLikeStockTfjs(model: tf.LayersModel, directory: string): Promise<void> {
  fs.mkdirSync(directory, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      fs.writeFileSync(
        path.join(directory, 'model.json'),
        JSON.stringify({
          modelTopology: artifacts.modelTopology,
          format: artifacts.format,
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        }),
      );
      fs.writeFileSync(
        path.join(directory, 'weights.bin'),
        Buffer.from(artifacts.weightData as ArrayBuffer),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

describe('users’ data and models in the CLI', () => {
  const directory = temporaryDirectory('neusemslice-user-data-');
  const common = ['--backend', 'wasm', '--seed', '3'];

  it('trains and slices on a small data set of one’s own given as .npy arrays', async () => {
    // 90 samples of 5 features in 3 classes: feature c is large for class c.
    const count = 90;
    const labels = Array.from({ length: count }, (_, index) => index % 3);
    const features = labels.flatMap((label, index) =>
      Array.from(
        { length: 5 },
        (_, feature) => (feature === label ? 2 : 0) + ((index * 7 + feature * 3) % 5) / 10,
      ),
    );
    const dataDir = path.join(directory, 'own-data');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'x.npy'), npy('<f4', [count, 5], features));
    fs.writeFileSync(path.join(dataDir, 'y.npy'), npy('<i8', [count], labels));
    const modelDir = path.join(directory, 'own-mlp');
    const trained = await run([
      'train',
      '--model',
      'mlp',
      '--dataset',
      dataDir,
      '--epochs',
      '3',
      '--out',
      modelDir,
      '--json',
      ...common,
    ]);
    if (trained.code !== 0) throw new Error(trained.stderr);
    expect(trained.stderr).toMatch(/no train\/test split; both splits use all their samples/);
    // The model remembers the data set's path: slice needs no --dataset.
    const sliceFile = path.join(directory, 'own-slice.json');
    const sliced = await run([
      'slice',
      '--model',
      modelDir,
      '--metric',
      'avg',
      '--per-class',
      '10',
      '--out',
      sliceFile,
      '--json',
      ...common,
    ]);
    if (sliced.code !== 0) throw new Error(sliced.stderr);
    expect(sliced.stderr).toMatch(/slicing on 30 training samples/);
    const slice = JSON.parse(fs.readFileSync(sliceFile, 'utf8')) as {
      critical: Record<string, number[]>;
    };
    expect(Object.keys(slice.critical)).toEqual(['fc1', 'fc2']);
  }, 120_000);

  describe('a plain-tfjs Sequential model with [784] input on MNIST', () => {
    const modelDir = path.join(directory, 'flat-mlp');
    beforeAll(async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [784], units: 12, activation: 'relu', name: 'hidden' }),
          tf.layers.dense({ units: 10, name: 'logits' }),
        ],
      });
      await saveLikeStockTfjs(model, modelDir);
      model.dispose();
    });
    const sliceArgs = (out: string): string[] => [
      'slice',
      '--model',
      modelDir,
      '--dataset',
      'mnist',
      '--metric',
      'avg',
      '--per-class',
      '5',
      '--out',
      path.join(directory, out),
      ...common,
    ];

    it('slices with --input-shape 784', async () => {
      const result = await run([...sliceArgs('flat-1.json'), '--input-shape', '784']);
      if (result.code !== 0) throw new Error(result.stderr);
      expect(result.stderr).not.toMatch(/reshaping/);
      expect(
        JSON.parse(fs.readFileSync(path.join(directory, 'flat-1.json'), 'utf8')).critical,
      ).toHaveProperty('hidden');
    }, 120_000);

    it('reshapes 28x28x1 images to [784] by itself, with a note, and gives the same slice', async () => {
      const result = await run(sliceArgs('flat-2.json'));
      if (result.code !== 0) throw new Error(result.stderr);
      expect(result.stderr).toMatch(
        /reshaping mnist\/train samples from 28x28x1 to the model's input shape 784/,
      );
      const read = (file: string): unknown =>
        JSON.parse(fs.readFileSync(path.join(directory, file), 'utf8')).critical;
      expect(read('flat-2.json')).toEqual(read('flat-1.json'));
    }, 120_000);

    it('restructures it into a smaller model that still reads [784] inputs', async () => {
      const outDir = path.join(directory, 'flat-small');
      const result = await run([
        'restructure',
        '--model',
        modelDir,
        '--slice',
        path.join(directory, 'flat-1.json'),
        '--dataset',
        'mnist',
        '--test-samples',
        '200',
        '--out',
        outDir,
        '--json',
        ...common,
      ]);
      if (result.code !== 0) throw new Error(result.stderr);
      const json = JSON.parse(result.stdout) as Record<string, number>;
      expect(json.parametersAfter).toBeLessThan(json.parametersBefore);
      const topology = JSON.parse(fs.readFileSync(path.join(outDir, 'model.json'), 'utf8'));
      expect(JSON.stringify(topology.modelTopology)).toContain('784');
    }, 120_000);

    it('refuses an --input-shape that does not fit, naming both shapes', async () => {
      const wrongShape = await run([...sliceArgs('flat-3.json'), '--input-shape', '28,28']);
      expect(wrongShape.code).toBe(2);
      expect(wrongShape.stderr).toMatch(
        /--input-shape 28x28 does not match the model's input shape 784/,
      );
      const wrongCount = await run([...sliceArgs('flat-3.json'), '--input-shape', '783']);
      expect(wrongCount.code).toBe(2);
      expect(wrongCount.stderr).toMatch(
        /--input-shape: mnist\/train: samples of shape \[28, 28, 1\] \(784 values\) cannot be reshaped to \[783\] \(783 values\)/,
      );
      const notModel = await run([...sliceArgs('flat-4.json'), '--input-shape', '28,28,1']);
      expect(notModel.code).toBe(2);
      expect(notModel.stderr).toMatch(
        /--input-shape 28x28x1 does not match the model's input shape 784/,
      );
      const bad = await run([...sliceArgs('flat-5.json'), '--input-shape', '28,-1']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--input-shape: '28,-1' is not a shape/);
    }, 120_000);
  });
});
