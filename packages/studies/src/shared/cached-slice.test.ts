import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSlice, NeuronModel, type Slice } from '@neusemslice/core';
import { makeTinyMlp } from '@neusemslice/core/testing';
import { cachedSlice, SEMANTIC_DEFAULT_COMBINE, sliceCacheFile } from './cached-slice';
import { studySetting } from './settings';

function firstNeurons(model: NeuronModel, options: Record<string, unknown> = {}): Slice {
  return createSlice({
    model,
    metric: 'test',
    slicer: 'test',
    options,
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
    expect(path.basename(file)).toBe(
      'mlp-mnist-seed-3-taylor-semantic-theta-0.95-combine-union-50pc.slice.json',
    );
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

  it('gives each combine of the semantic slicer its own file, the default named too', () => {
    const slicing = (slicerOptions: Record<string, unknown>) => ({
      metric: 'taylor',
      slicer: 'semantic',
      slicerOptions,
      slicingPerClass: 50,
    });
    const setting = studySetting('mlp-mnist');
    const union = sliceCacheFile('cache', setting, 1, slicing({ theta: 0.9, combine: 'union' }));
    const budget = sliceCacheFile(
      'cache',
      setting,
      1,
      slicing({ theta: 0.9, combine: 'layer-budget' }),
    );
    const byDefault = sliceCacheFile('cache', setting, 1, slicing({ theta: 0.9 }));
    expect(union).not.toBe(budget);
    expect(budget).toContain('combine-layer-budget');
    expect(byDefault).toBe(SEMANTIC_DEFAULT_COMBINE === 'union' ? union : budget);
    // Other slicers have no combine: their key names only the options given.
    const global = sliceCacheFile('cache', setting, 1, {
      ...slicing({ keepRatio: 0.5 }),
      slicer: 'global',
    });
    expect(path.basename(global)).toBe(
      'mlp-mnist-seed-1-taylor-global-keepRatio-0.5-50pc.slice.json',
    );
  });

  it('makes the slice again when the cached one records another combine', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cached-slice-'));
    const file = path.join(directory, 'slice.json');
    const original = makeTinyMlp({ seed: 1 });
    const model = new NeuronModel(original);
    await cachedSlice(file, model, async () => firstNeurons(model, { combine: 'layer-budget' }));
    const make = jest.fn(async () => firstNeurons(model, { combine: 'union' }));
    const slice = await cachedSlice(file, model, make, { combine: 'union' });
    expect(make).toHaveBeenCalledTimes(1);
    expect(slice.options.combine).toBe('union');
    await cachedSlice(file, model, make, { combine: 'union' });
    expect(make).toHaveBeenCalledTimes(1);
    original.dispose();
    fs.rmSync(directory, { recursive: true, force: true });
  });
});
