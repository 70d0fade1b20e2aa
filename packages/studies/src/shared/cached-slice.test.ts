import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSlice, NeuronModel, type Slice } from '@neusemslice/core';
import { makeTinyMlp } from '@neusemslice/core/testing';
import { cachedSlice, sliceCacheFile } from './cached-slice';
import { studySetting } from './settings';

function firstNeurons(model: NeuronModel): Slice {
  return createSlice({
    model,
    metric: 'test',
    slicer: 'test',
    options: {},
    critical: Object.fromEntries(model.neuronLayers.map((layer) => [layer.name, [0]])),
  });
}

describe('cachedSlice', () => {
  it('reuses a cached slice for the same weights and slices again for other weights', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cached-slice-'));
    const file = sliceCacheFile(directory, studySetting('mlp-mnist'), 3, {
      metric: 'taylor',
      slicer: 'semantic',
      slicerOptions: { theta: 0.95 },
      slicingPerClass: 50,
    });
    expect(path.basename(file)).toBe('mlp-mnist-seed-3-taylor-semantic-theta-0.95-50pc.slice.json');
    const original = makeTinyMlp({ seed: 1 });
    const other = makeTinyMlp({ seed: 2 });
    const model = new NeuronModel(original);
    const make = jest.fn(async () => firstNeurons(model));
    await cachedSlice(file, model, make);
    const again = await cachedSlice(file, model, make);
    expect(make).toHaveBeenCalledTimes(1);
    expect(again.model.weightsSha256).toBe(model.fingerprint().weightsSha256);
    const otherModel = new NeuronModel(other);
    await cachedSlice(file, otherModel, async () => firstNeurons(otherModel));
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).model.weightsSha256).toBe(
      otherModel.fingerprint().weightsSha256,
    );
    original.dispose();
    other.dispose();
    fs.rmSync(directory, { recursive: true, force: true });
  });
});
