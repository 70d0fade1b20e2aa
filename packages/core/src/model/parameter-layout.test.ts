import * as tf from '@tensorflow/tfjs';
import { makeTinyCnn, makeTinyMlp } from '../testing';
import { NeuronModel } from './neuron-model';
import { countKeptParameters, weightMaskForNeurons, weightOwnership } from './parameter-layout';

describe('parameter ownership', () => {
  it('counts what removing MLP neurons removes: incoming weights, biases and the next layer’s reads', () => {
    // 16 → 12 → 8 → 3: total = 16·12+12 + 12·8+8 + 8·3+3 = 204 + 104 + 27 = 335
    const model = new NeuronModel(makeTinyMlp({ seed: 1 }));
    const keepFc1 = new Float32Array(12).fill(1);
    keepFc1.fill(0, 0, 4); // keep 8 of 12
    const keepFc2 = new Float32Array(8).fill(1);
    keepFc2.fill(0, 0, 2); // keep 6 of 8
    const count = countKeptParameters(weightOwnership(model), { fc1: keepFc1, fc2: keepFc2 });
    expect(count.total).toBe(335);
    expect(count.total).toBe(model.model.countParams());
    // kept: 16·8+8 + 8·6+6 + 6·3+3 = 136 + 54 + 21 = 211
    expect(count.kept).toBe(211);
    expect(count.compressionRate).toBeCloseTo((335 - 211) / 335, 12);
    expect(countKeptParameters(weightOwnership(model), {}).removed).toBe(0);
  });

  it('follows conv channels through batch-norm, pooling and flatten', () => {
    const model = new NeuronModel(makeTinyCnn({ seed: 1 }));
    const ownership = weightOwnership(model);
    const find = (layer: string, position: number) =>
      ownership.find((w) => w.layerName === layer && w.position === position);
    expect(find('bn1', 0)).toMatchObject({ ownerNeuronLayer: 'conv1', ownerAxis: 0 });
    expect(find('conv2', 0)).toMatchObject({
      ownerNeuronLayer: 'conv2',
      ownerAxis: 3,
      inputNeuronLayer: 'conv1',
      inputAxis: 2,
    });
    expect(find('fc1', 0)).toMatchObject({
      ownerNeuronLayer: 'fc1',
      inputNeuronLayer: 'conv2',
      inputAxis: 0,
    });
    expect(find('logits', 0)).toMatchObject({ inputNeuronLayer: 'fc1' });
    expect(find('logits', 0)?.ownerNeuronLayer).toBeUndefined();
    // Dropping 1 of 4 conv1 channels removes a quarter of conv1 (kernel, bias), of bn1 and of conv2's kernel.
    const keep = { conv1: [1, 1, 0, 1] };
    const count = countKeptParameters(ownership, keep);
    const expectedRemoved = (9 * 4 + 4) / 4 + (4 * 4) / 4 + (9 * 4 * 5) / 4;
    expect(count.removed).toBe(expectedRemoved);
  });

  it('builds weight masks selecting owned entries, and optionally the next layer’s reads', () => {
    const model = new NeuronModel(makeTinyMlp({ seed: 1 }));
    const ownership = weightOwnership(model);
    const fc2Kernel = ownership.find((w) => w.layerName === 'fc2' && w.position === 0)!;
    const selected = {
      fc1: Array.from({ length: 12 }, (_, i) => (i === 2 ? 1 : 0)),
      fc2: Array.from({ length: 8 }, (_, i) => (i === 5 ? 1 : 0)),
    };
    const owned = weightMaskForNeurons(fc2Kernel, selected);
    const ownedValues = owned.arraySync() as number[][];
    expect(
      ownedValues.every((row) => row.every((value, column) => value === (column === 5 ? 1 : 0))),
    ).toBe(true);
    const withOutgoing = weightMaskForNeurons(fc2Kernel, selected, { includeOutgoing: true });
    const both = withOutgoing.arraySync() as number[][];
    expect(both[2].every((value) => value === 1)).toBe(true);
    expect(both[0][5]).toBe(1);
    expect(both[0][4]).toBe(0);
    tf.dispose([owned, withOutgoing]);
  });
});
