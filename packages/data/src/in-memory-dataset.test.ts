import * as tf from '@tensorflow/tfjs';
import { indicesByClass } from '@neusemslice/core';
import { InMemoryDataset } from './in-memory-dataset';
import { bytesToUnitFloats } from './pixel-scale';

/** Six 2x2x1 samples whose pixels encode their index: sample i holds (i*4 + k) / 100. */
function makeDataset(): { data: InMemoryDataset; pixels: Float32Array } {
  const pixels = Float32Array.from({ length: 6 * 4 }, (_, value) => value / 100);
  const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
  const data = new InMemoryDataset({
    name: 'toy',
    pixels,
    labels,
    inputShape: [2, 2, 1],
    numClasses: 3,
    classNames: ['a', 'b', 'c'],
  });
  return { data, pixels };
}

/** The index of the stored sample a row of a batch came from, decoded from its first pixel. */
function sampleIdsOf(x: tf.Tensor): number[] {
  const values = x.dataSync();
  const rows = x.shape[0];
  return Array.from({ length: rows }, (_, row) => Math.round((values[row * 4] * 100) / 4));
}

describe('InMemoryDataset', () => {
  it('describes itself and returns a copy of its labels', () => {
    const { data } = makeDataset();
    expect(data.size).toBe(6);
    expect(data.inputShape).toEqual([2, 2, 1]);
    expect(data.classNames).toEqual(['a', 'b', 'c']);
    const labels = data.labels();
    labels[0] = 2;
    expect(data.labels()[0]).toBe(0);
    expect(indicesByClass(data).map((indices) => Array.from(indices))).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it('streams batches in order with the last one short', () => {
    const { data } = makeDataset();
    const batches = [...data.batches(4)];
    expect(batches.map((batch) => batch.x.shape)).toEqual([
      [4, 2, 2, 1],
      [2, 2, 2, 1],
    ]);
    expect(batches.flatMap((batch) => sampleIdsOf(batch.x))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches.flatMap((batch) => Array.from(batch.labels))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(batches[0].x.dtype).toBe('float32');
    batches.forEach((batch) => batch.x.dispose());
  });

  it('creates one tensor per batch, lazily, and leaks none', () => {
    const { data } = makeDataset();
    const before = tf.memory().numTensors;
    const iterator = data.batches(2)[Symbol.iterator]();
    expect(tf.memory().numTensors).toBe(before);
    for (let round = 0; round < 3; round++) {
      const { value } = iterator.next();
      expect(tf.memory().numTensors).toBe(before + 1);
      value.x.dispose();
    }
    expect(iterator.next().done).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('follows the given indices', () => {
    const { data } = makeDataset();
    const [batch] = [...data.batches(10, { indices: Int32Array.from([5, 0, 3]) })];
    expect(sampleIdsOf(batch.x)).toEqual([5, 0, 3]);
    expect(Array.from(batch.labels)).toEqual([2, 0, 0]);
    batch.x.dispose();
  });

  it('makes subsets (and subsets of subsets) that share the pixels', () => {
    const { data, pixels } = makeDataset();
    const odd = data.subset(Int32Array.from([1, 3, 5]), 'odd');
    expect(odd.name).toBe('odd');
    expect(odd.size).toBe(3);
    expect(Array.from(odd.labels())).toEqual([1, 0, 2]);
    expect(odd.sample(1).pixels.buffer).toBe(pixels.buffer);
    const last = odd.subset(Int32Array.from([2]));
    expect(last.name).toBe('odd/subset');
    const [batch] = [...last.batches(8)];
    expect(sampleIdsOf(batch.x)).toEqual([5]);
    batch.x.dispose();
    const [ordered] = [...odd.batches(8, { indices: Int32Array.from([2, 0]) })];
    expect(sampleIdsOf(ordered.x)).toEqual([5, 1]);
    ordered.x.dispose();
  });

  it('rejects inconsistent arrays, bad labels, indices and batch sizes with the values named', () => {
    const { data } = makeDataset();
    const base = { name: 'bad', inputShape: [2], numClasses: 2 };
    expect(
      () =>
        new InMemoryDataset({ ...base, pixels: new Float32Array(5), labels: new Int32Array(3) }),
    ).toThrow('bad: expected 3 samples × 2 values = 6 pixels, got 5');
    expect(
      () =>
        new InMemoryDataset({
          ...base,
          pixels: new Float32Array(4),
          labels: Int32Array.from([0, 2]),
        }),
    ).toThrow('bad: label of sample 1 is 2, expected 0 … 1');
    expect(() => data.subset(Int32Array.from([0, 6]))).toThrow(
      'toy: subset index 6 at position 1 is out of range, expected 0 … 5',
    );
    expect(() => data.batches(0)).toThrow('batchSize must be an integer ≥ 1, got 0');
    expect(() => data.batches(2, { indices: Int32Array.from([-1]) })).toThrow(/batch index -1/);
    expect(() => data.sample(6)).toThrow(/sample position must be an integer in \[0, 5\], got 6/);
  });

  describe('holding bytes', () => {
    /** Seven 3x2x1 byte images covering 0 and 255, and the same data scaled up front (the old path). */
    function byteAndFloatDatasets(): { bytes: InMemoryDataset; floats: InMemoryDataset } {
      const pixelBytes = Uint8Array.from({ length: 7 * 6 }, (_, index) => (index * 53 + 7) % 256);
      pixelBytes[0] = 0;
      pixelBytes[1] = 255;
      const common = {
        name: 'bytes',
        labels: Int32Array.from([0, 1, 0, 1, 0, 1, 1]),
        inputShape: [3, 2, 1],
        numClasses: 2,
      };
      return {
        bytes: new InMemoryDataset({ ...common, pixels: pixelBytes }),
        floats: new InMemoryDataset({ ...common, pixels: bytesToUnitFloats(pixelBytes) }),
      };
    }

    it('keeps the bytes as its backing array, a quarter of the float size', () => {
      const { bytes, floats } = byteAndFloatDatasets();
      expect(bytes.storedValues).toBeInstanceOf(Uint8Array);
      expect(bytes.storedBytes * 4).toBe(floats.storedBytes);
      // Subsets and reshaped views share the same bytes.
      expect(bytes.subset(Int32Array.from([2, 5])).storedValues).toBe(bytes.storedValues);
      expect(bytes.withInputShape([6]).storedValues).toBe(bytes.storedValues);
    });

    it('gives batches and samples bit-identical to scaling every byte up front', () => {
      const { bytes, floats } = byteAndFloatDatasets();
      const indices = Int32Array.from([6, 0, 3, 1]);
      for (const [fromBytes, fromFloats] of [
        [bytes, floats],
        [bytes.subset(Int32Array.from([1, 4, 6])), floats.subset(Int32Array.from([1, 4, 6]))],
      ] as const) {
        const byteBatches = [...fromBytes.batches(2)];
        const floatBatches = [...fromFloats.batches(2)];
        expect(byteBatches.map((batch) => batch.x.dtype)).toEqual(
          floatBatches.map(() => 'float32'),
        );
        byteBatches.forEach((batch, index) => {
          expect(batch.x.shape).toEqual(floatBatches[index].x.shape);
          expect(batch.x.dataSync()).toEqual(floatBatches[index].x.dataSync());
          expect(batch.labels).toEqual(floatBatches[index].labels);
        });
        tf.dispose([...byteBatches, ...floatBatches].map((batch) => batch.x));
      }
      const [shuffledBytes] = [...bytes.batches(8, { indices })];
      const [shuffledFloats] = [...floats.batches(8, { indices })];
      expect(shuffledBytes.x.dataSync()).toEqual(shuffledFloats.x.dataSync());
      tf.dispose([shuffledBytes.x, shuffledFloats.x]);
      expect(bytes.sample(3).pixels).toEqual(floats.sample(3).pixels);
    });

    it('copies samples out without tensors, bit-identical to its batches, where it is told', () => {
      const { bytes, floats } = byteAndFloatDatasets();
      const indices = Int32Array.from([2, 0, 1]);
      for (const data of [bytes, floats, bytes.subset(Int32Array.from([6, 1, 4, 3]))]) {
        const inputs = new Float32Array(5 * 6).fill(-1);
        const labels = new Int32Array(5).fill(-1);
        const tensorsBefore = tf.memory().numTensors;
        data.copySamplesInto(indices, inputs, labels, 1);
        expect(tf.memory().numTensors).toBe(tensorsBefore);
        const [batch] = [...data.batches(8, { indices })];
        // Sample 0 and 4 of the target are left as they were.
        expect(inputs.subarray(0, 6)).toEqual(new Float32Array(6).fill(-1));
        expect(inputs.subarray(6, 24)).toEqual(batch.x.dataSync());
        expect(inputs.subarray(24)).toEqual(new Float32Array(6).fill(-1));
        expect(labels).toEqual(Int32Array.from([-1, ...batch.labels, -1]));
        batch.x.dispose();
      }
      expect(() =>
        bytes.copySamplesInto(indices, new Float32Array(3 * 6), new Int32Array(3), 1),
      ).toThrow('bytes: cannot copy 3 samples from sample 1 on into 18 input values and 3 labels');
      expect(() =>
        bytes.copySamplesInto(Int32Array.from([7]), new Float32Array(6), new Int32Array(1), 0),
      ).toThrow(/bytes: copy index/);
    });

    it('converts per batch without leaking tensors over repeated passes', () => {
      const { bytes } = byteAndFloatDatasets();
      const before = tf.memory().numTensors;
      for (let pass = 0; pass < 3; pass++) {
        for (const batch of bytes.batches(3)) batch.x.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    });

    it('compacts a subset into its own small copy with the same batches', () => {
      const { bytes } = byteAndFloatDatasets();
      const subset = bytes.subset(Int32Array.from([5, 1, 3]), 'three');
      const compact = subset.compact();
      expect(compact.name).toBe('three');
      expect(compact.storedValues).toBeInstanceOf(Uint8Array);
      expect(compact.storedBytes).toBe(3 * 6);
      expect(compact.labels()).toEqual(subset.labels());
      const [fromSubset] = [...subset.batches(8)];
      const [fromCompact] = [...compact.batches(8)];
      expect(fromCompact.x.dataSync()).toEqual(fromSubset.x.dataSync());
      tf.dispose([fromSubset.x, fromCompact.x]);
    });

    it('views the same samples under another input shape with the same element count only', () => {
      const { bytes } = byteAndFloatDatasets();
      const flat = bytes.subset(Int32Array.from([4, 2])).withInputShape([6]);
      expect(flat.inputShape).toEqual([6]);
      const [batch] = [...flat.batches(4)];
      expect(batch.x.shape).toEqual([2, 6]);
      expect(Array.from(batch.labels)).toEqual([0, 0]);
      batch.x.dispose();
      expect(() => bytes.withInputShape([5])).toThrow(
        'bytes: cannot view samples of shape [3, 2, 1] (6 values) as [5] (5 values)',
      );
    });
  });
});
