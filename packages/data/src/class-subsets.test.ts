import * as tf from '@tensorflow/tfjs';
import { indicesByClass } from '@neusemslice/core';
import { classSubset, samplePerClass, shuffledBatches, splitTasks } from './class-subsets';
import { InMemoryDataset } from './in-memory-dataset';

/** 3 classes with 10, 8 and 6 samples; sample i has the single pixel value i. */
function makeDataset(): InMemoryDataset {
  const labels = Int32Array.from([
    ...new Array(10).fill(0),
    ...new Array(8).fill(1),
    ...new Array(6).fill(2),
  ]);
  // Interleave so that classes are not contiguous.
  const order = Array.from({ length: labels.length }, (_, index) => (index * 7) % labels.length);
  return new InMemoryDataset({
    name: 'toy',
    pixels: Float32Array.from(order, (_, index) => index),
    labels: Int32Array.from(order, (source) => labels[source]),
    inputShape: [1],
    numClasses: 3,
  });
}

describe('samplePerClass', () => {
  it('takes exactly perClass samples of each class, in data-set order, depending only on the seed', () => {
    const data = makeDataset();
    const sample = samplePerClass(data, 4, 11);
    expect(sample.size).toBe(12);
    expect(sample.name).toBe('toy/4-per-class-seed-11');
    expect(indicesByClass(sample).map((indices) => indices.length)).toEqual([4, 4, 4]);
    const ids = Array.from(
      { length: sample.size },
      (_, position) => sample.sample(position).pixels[0],
    );
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(12);
    // Each picked sample keeps its label.
    ids.forEach((id, position) => expect(sample.labels()[position]).toBe(data.labels()[id]));
    const again = samplePerClass(data, 4, 11);
    expect(Array.from({ length: 12 }, (_, position) => again.sample(position).pixels[0])).toEqual(
      ids,
    );
    const seeds = [1, 2, 3, 4, 5].map((seed) => {
      const other = samplePerClass(data, 4, seed);
      return Array.from({ length: 12 }, (_, position) => other.sample(position).pixels[0]).join();
    });
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it('refuses a class with too few samples but skips absent classes', () => {
    const data = makeDataset();
    expect(() => samplePerClass(data, 7, 1)).toThrow(
      'toy: class 2 has 6 samples, fewer than the 7 per class asked for',
    );
    const firstTwo = classSubset(data, [0, 1]);
    expect(samplePerClass(firstTwo, 7, 1).size).toBe(14);
    expect(() => samplePerClass(data, 0, 1)).toThrow('perClass must be an integer ≥ 1, got 0');
  });
});

describe('classSubset and splitTasks', () => {
  it('keeps the samples of the given classes with their original labels', () => {
    const data = makeDataset();
    const subset = classSubset(data, [2, 0]);
    expect(subset.name).toBe('toy/classes-0-2');
    expect(subset.size).toBe(16);
    expect(new Set(subset.labels())).toEqual(new Set([0, 2]));
    expect(subset.numClasses).toBe(3);
    expect(() => classSubset(data, [3])).toThrow('toy: class 3 is out of range, expected 0 … 2');
  });

  it('splits the classes into a first half and the rest', () => {
    const tenClasses = new InMemoryDataset({
      name: 'ten',
      pixels: new Float32Array(20),
      labels: Int32Array.from({ length: 20 }, (_, index) => index % 10),
      inputShape: [1],
      numClasses: 10,
    });
    const { taskA, taskB, classesA, classesB } = splitTasks(tenClasses);
    expect(classesA).toEqual([0, 1, 2, 3, 4]);
    expect(classesB).toEqual([5, 6, 7, 8, 9]);
    expect(Math.max(...taskA.labels())).toBe(4);
    expect(Math.min(...taskB.labels())).toBe(5);
    expect(taskA.size + taskB.size).toBe(20);
    const odd = splitTasks(makeDataset());
    expect(odd.classesA).toEqual([0]);
    expect(odd.classesB).toEqual([1, 2]);
  });
});

describe('shuffledBatches', () => {
  it('visits every sample once per epoch in a seeded order, leaking no tensors', () => {
    const data = makeDataset();
    const before = tf.memory().numTensors;
    const epoch = (seed: number): number[] => {
      const ids: number[] = [];
      for (const batch of shuffledBatches(data, 5, seed)) {
        ids.push(...batch.x.dataSync());
        batch.x.dispose();
      }
      return ids;
    };
    const first = epoch(1);
    expect([...first].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 24 }, (_, index) => index),
    );
    expect(epoch(1)).toEqual(first);
    expect(epoch(2)).not.toEqual(first);
    expect(tf.memory().numTensors).toBe(before);
  });
});
