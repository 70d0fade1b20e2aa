import * as tf from '@tensorflow/tfjs';
import { activateWasm, liveCounts, randomValues } from '../__fixtures__/compare-backends';

beforeAll(activateWasm);

describe('Identity on wasm', () => {
  beforeEach(() => tf.setBackend('wasm'));

  it('gives a tensor with the same values that outlives the original, for each dtype', () => {
    const cases: [number[] | Float32Array, tf.DataType][] = [
      [randomValues(24, 1), 'float32'],
      [[1, -2, 3, 4, 5, 6], 'int32'],
      [[1, 0, 1, 1, 0, 0], 'bool'],
    ];
    for (const [values, dtype] of cases) {
      const original = tf.tensor(values, [2, values.length / 2], dtype);
      const expected = Array.from(original.dataSync());
      const copy = original.clone();
      expect(copy.dtype).toBe(dtype);
      expect(copy.shape).toEqual(original.shape);
      original.dispose();
      expect(Array.from(copy.dataSync())).toEqual(expected);
      copy.dispose();
    }
  });

  it('shares the buffer instead of copying, and frees it with the last tensor on it', () => {
    const before = liveCounts();
    const original = tf.tensor2d(randomValues(12, 2), [3, 4]);
    const copies = [original.clone(), original.clone(), tf.clone(original)];
    expect(liveCounts()).toEqual({
      tensors: before.tensors + 4,
      wasmBuffers: before.wasmBuffers + 1,
    });
    original.dispose();
    copies[0].dispose();
    copies[1].dispose();
    expect(liveCounts()).toEqual({
      tensors: before.tensors + 1,
      wasmBuffers: before.wasmBuffers + 1,
    });
    copies[2].dispose();
    expect(liveCounts()).toEqual(before);
  });

  it('keeps a string tensor working (stock kernel)', () => {
    const words = tf.tensor1d(['a', 'bc']);
    const copy = words.clone();
    words.dispose();
    expect(copy.dataSync()).toEqual(['a', 'bc']);
    copy.dispose();
  });

  it('leaves variables independent of the tensor they were made from', () => {
    const initial = tf.tensor1d([1, 2, 3]);
    const variable = tf.variable(initial);
    variable.assign(tf.tidy(() => tf.mul(variable, 2)));
    expect(Array.from(initial.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(variable.dataSync())).toEqual([2, 4, 6]);
    initial.dispose();
    expect(Array.from(variable.dataSync())).toEqual([2, 4, 6]);
    variable.dispose();
  });
});
