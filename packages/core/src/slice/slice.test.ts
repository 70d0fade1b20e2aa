import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { NeuronModel } from '../model/neuron-model';
import { makeTinyMlp } from '../testing';
import {
  assertSliceMatchesModel,
  createSlice,
  masksFromNeuronSets,
  sliceSize,
  unionOfCategories,
} from './slice';
import { loadSlice, saveSlice, sliceFromJson, sliceToJson } from './slice-file';

describe('Slice', () => {
  const model = new NeuronModel(makeTinyMlp({ seed: 21 }));
  const perCategory = { 0: { fc1: [5, 1], fc2: [0] }, 1: { fc1: [1, 7], fc2: [3, 0] } };
  const slice = createSlice({
    model,
    metric: 'avg',
    slicer: 'semantic',
    options: { theta: 0.9 },
    critical: unionOfCategories(perCategory),
    perCategory,
  });
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'slice-test-'));

  it('merges categories into sorted, distinct sets for every layer', () => {
    expect(slice.critical).toEqual({ fc1: [1, 5, 7], fc2: [0, 3] });
    expect(slice.perCategory?.[1]).toEqual({ fc1: [1, 7], fc2: [0, 3] });
    expect(sliceSize(slice)).toEqual({ perLayer: { fc1: 3, fc2: 2 }, critical: 5, total: 20 });
  });

  it('round-trips through its JSON file', () => {
    const file = path.join(directory, 'slice.json');
    saveSlice(file, slice);
    const loaded = loadSlice(file);
    expect(loaded).toEqual(slice);
    expect(fs.readdirSync(directory)).toEqual(['slice.json']);
  });

  it('applies to its own model and refuses another architecture or other weights', () => {
    expect(() => assertSliceMatchesModel(slice, model)).not.toThrow();
    const otherWeights = new NeuronModel(makeTinyMlp({ seed: 22 }));
    expect(() => assertSliceMatchesModel(slice, otherWeights)).toThrow(
      /slice was made for other weights of model 'tiny_mlp'/,
    );
    expect(() =>
      assertSliceMatchesModel(slice, otherWeights, { allowWeightChange: true }),
    ).not.toThrow();
    const otherTopology = new NeuronModel(makeTinyMlp({ seed: 21, hidden: [12, 9] }));
    expect(() => assertSliceMatchesModel(slice, otherTopology)).toThrow(
      /slice was made for model 'tiny_mlp' with another architecture/,
    );
  });

  it('turns into masks that silence every non-critical neuron', () => {
    const masks = masksFromNeuronSets(model, slice.critical);
    expect(Array.from(masks.fc1)).toEqual([0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
    const x = tf.ones([1, 4, 4, 1]);
    const { outputs, logits } = model.neuronOutputs(x, masks);
    const fc1 = outputs.fc1.dataSync();
    [0, 2, 3, 4, 6, 8, 9, 10, 11].forEach((index) => expect(fc1[index]).toBe(0));
    tf.dispose([x, logits, ...Object.values(outputs)]);
  });

  it('rejects out-of-range indices and unknown layers', () => {
    expect(() =>
      createSlice({ model, metric: 'avg', slicer: 's', options: {}, critical: { fc1: [12] } }),
    ).toThrow("slice layer 'fc1': neuron index 12 out of range 0 … 11");
    expect(() =>
      createSlice({ model, metric: 'avg', slicer: 's', options: {}, critical: { fc3: [1] } }),
    ).toThrow("unknown neuron layer 'fc3'");
  });

  it('names the file when it is not a slice or is corrupt', () => {
    expect(() => sliceFromJson('{"format":"x"}', 'a.json')).toThrow(
      'a.json: not a slice file (format is x, expected neusemslice-slice)',
    );
    expect(() => sliceFromJson('{oops', 'b.json')).toThrow(
      /b\.json: not a slice file \(invalid JSON/,
    );
    const text = JSON.parse(sliceToJson(slice));
    text.critical.fc1 = 'AAAAAAAA';
    expect(() => sliceFromJson(JSON.stringify(text), 'c.json')).toThrow(
      "c.json critical layer 'fc1': neuron set has 48 bits, expected 12 neurons",
    );
    expect(() => loadSlice(path.join(directory, 'missing.json'))).toThrow(
      /cannot read slice file .*missing\.json: ENOENT/,
    );
  });

  it('stays small: bitsets, not index lists', () => {
    expect(sliceToJson(slice).length).toBeLessThan(1200);
  });
});
