import { NeuronModel } from '../model/neuron-model';
import { isUsageError } from '../errors';
import { makeTinyMlp } from '../testing';
import { assertSliceMatchesModel, createSlice, masksFromNeuronSets } from './slice';
import { sliceFromJson, sliceToJson } from './slice-file';

/** A parsed slice file, edited freely by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EditableJson = Record<string, any>;

/** The error a call throws; fails the test when it throws none or a non-usage error. */
function usageErrorOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(isUsageError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

describe('slice files are checked completely against their model', () => {
  const model = new NeuronModel(makeTinyMlp({ seed: 3 }));
  const slice = createSlice({
    model,
    metric: 'avg',
    slicer: 'semantic',
    options: {},
    critical: { fc1: [0, 2], fc2: [1] },
  });
  const json = (): Record<string, unknown> =>
    JSON.parse(sliceToJson(slice)) as Record<string, unknown>;
  const edited = (edit: (file: EditableJson) => void): string => {
    const file = json();
    edit(file);
    return JSON.stringify(file);
  };

  it('accepts the slice it was made for', () => {
    expect(() =>
      assertSliceMatchesModel(sliceFromJson(sliceToJson(slice), 's.json'), model),
    ).not.toThrow();
  });

  it.each<[string, (file: EditableJson) => void, RegExp]>([
    [
      '"critical": null',
      (file) => (file.critical = null),
      /field critical must be an object.*got null/,
    ],
    ['"critical": a list', (file) => (file.critical = []), /field critical must be an object/],
    [
      'a layer left out',
      (file) => delete file.critical.fc2,
      /critical has no set for neuron layer 'fc2'/,
    ],
    [
      'a set that is a number',
      (file) => (file.critical.fc1 = 3),
      /layer 'fc1' must be a base64 string, got 3/,
    ],
    [
      'units that are not a number',
      (file) => (file.model.neuronLayers[0].units = 'ten'),
      /units must be a positive integer, got "ten"/,
    ],
    [
      'a model without layers',
      (file) => (file.model.neuronLayers = null),
      /model.neuronLayers must be a list/,
    ],
    ['metric missing', (file) => delete file.metric, /field metric must be a string/],
  ])('refuses a file with %s, naming the field', (_case, edit, message) => {
    expect(usageErrorOf(() => sliceFromJson(edited(edit), 's.json'))).toMatch(message);
  });

  it('refuses a slice whose layer sizes differ from the model (no index silently dropped)', () => {
    const file = edited((content) => {
      // Units doubled and the bitset re-encoded to match: the file is self-consistent.
      content.model.neuronLayers[0].units *= 2;
      content.critical.fc1 = Buffer.alloc(
        Math.ceil(content.model.neuronLayers[0].units / 8),
        0xff,
      ).toString('base64');
    });
    const loaded = sliceFromJson(file, 's.json');
    expect(usageErrorOf(() => assertSliceMatchesModel(loaded, model))).toMatch(
      /slice says layer 'fc1' has \d+ neurons, the model has \d+/,
    );
  });

  it('refuses indices out of range, unsorted or repeated, and in masks', () => {
    const units = model.layer('fc1').units;
    for (const indices of [[units], [-1], [1.5], [2, 1], [1, 1]]) {
      const bad = { ...slice, critical: { ...slice.critical, fc1: indices } };
      expect(usageErrorOf(() => assertSliceMatchesModel(bad, model))).toMatch(/layer 'fc1'/);
    }
    expect(usageErrorOf(() => masksFromNeuronSets(model, { fc1: [units] }))).toMatch(
      /neuron index \d+ out of range/,
    );
  });

  it('refuses a bitset with bits set past the layer size', () => {
    const file = edited((content) => {
      const bytes = Buffer.from(content.critical.fc1, 'base64');
      bytes[bytes.length - 1] |= 0x80;
      content.critical.fc1 = bytes.toString('base64');
    });
    const units = model.layer('fc1').units;
    if (units % 8 === 0) return; // No spare bits to set in a whole byte.
    expect(usageErrorOf(() => sliceFromJson(file, 's.json'))).toMatch(/out of range/);
  });
});
