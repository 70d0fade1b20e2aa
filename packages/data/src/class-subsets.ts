import { type LabeledBatch, type LabeledDataset, UsageError } from '@neusemslice/core';
import { checkSeed, mulberry32, shuffleInPlace, shuffledIndices } from './seeded-random';

/**
 * A seeded sample of `perClass` samples of every class present in the data set, in data-set
 * order (the paper slices on 500 per class of the training set). Classes absent from the data
 * (e.g. after a task split) are skipped; a present class with fewer samples is an error, so an
 * experiment never silently runs on fewer samples than it says.
 */
export function samplePerClass<T extends LabeledDataset>(
  data: T,
  perClass: number,
  seed: number,
): ReturnType<T['subset']> {
  const sorted = perClassIndices(data.labels(), data.numClasses, perClass, seed, data.name);
  return data.subset(sorted, `${data.name}/${perClass}-per-class-seed-${seed}`) as ReturnType<
    T['subset']
  >;
}

/**
 * The ascending sample indices samplePerClass picks, from the labels alone: so a loader can
 * read only those samples (see LoadDatasetOptions.keepSamples). `name` labels the errors.
 */
export function perClassIndices(
  labels: Int32Array,
  numClasses: number,
  perClass: number,
  seed: number,
  name: string,
): Int32Array {
  if (!Number.isInteger(perClass) || perClass < 1) {
    throw new UsageError(`perClass must be an integer ≥ 1, got ${String(perClass)}`);
  }
  const random = mulberry32(checkSeed(seed));
  const chosen: number[] = [];
  indicesByLabel(labels, numClasses).forEach((indices, label) => {
    if (indices.length === 0) return;
    if (indices.length < perClass) {
      throw new UsageError(
        `${name}: class ${label} has ${indices.length} samples, fewer than the ${perClass} per class asked for`,
      );
    }
    // indicesByLabel returns fresh arrays, so shuffling in place is safe; all classes draw
    // from one seeded stream, in label order.
    const picked = shuffleInPlace(indices, random);
    for (let rank = 0; rank < perClass; rank++) chosen.push(picked[rank]);
  });
  return Int32Array.from(chosen).sort();
}

/** Indices of the samples of each label, in order (core's indicesByClass, from labels alone). */
function indicesByLabel(labels: Int32Array, numClasses: number): Int32Array[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) counts[label]++;
  const byClass = counts.map((count) => new Int32Array(count));
  const filled = new Array<number>(numClasses).fill(0);
  labels.forEach((label, index) => {
    byClass[label][filled[label]++] = index;
  });
  return byClass;
}

/** The samples whose label is one of `classes`, in data-set order, with their original labels. */
export function classSubset<T extends LabeledDataset>(
  data: T,
  classes: readonly number[],
): ReturnType<T['subset']> {
  for (const label of classes) {
    if (!Number.isInteger(label) || label < 0 || label >= data.numClasses) {
      throw new UsageError(
        `${data.name}: class ${label} is out of range, expected 0 … ${data.numClasses - 1}`,
      );
    }
  }
  const wanted = new Set(classes);
  const labels = data.labels();
  const indices: number[] = [];
  labels.forEach((label, index) => {
    if (wanted.has(label)) indices.push(index);
  });
  const name = `${data.name}/classes-${[...wanted].sort((a, b) => a - b).join('-')}`;
  return data.subset(Int32Array.from(indices), name) as ReturnType<T['subset']>;
}

/** Two tasks for incremental learning: A holds the first half of the classes, B the rest. */
export interface TaskSplit<T> {
  taskA: T;
  taskB: T;
  classesA: number[];
  classesB: number[];
}

/**
 * Splits a data set by class into task A (classes 0 … ⌊numClasses/2⌋-1) and task B (the rest).
 * Labels keep their original values, so one output layer with a unit per class serves both.
 */
export function splitTasks<T extends LabeledDataset>(data: T): TaskSplit<ReturnType<T['subset']>> {
  if (data.numClasses < 2)
    throw new UsageError(
      `${data.name}: a task split needs at least 2 classes, got ${data.numClasses}`,
    );
  const half = Math.floor(data.numClasses / 2);
  const classesA = Array.from({ length: half }, (_, label) => label);
  const classesB = Array.from({ length: data.numClasses - half }, (_, offset) => half + offset);
  return {
    taskA: classSubset(data, classesA),
    taskB: classSubset(data, classesB),
    classesA,
    classesB,
  };
}

/** The batches of one epoch in a seeded shuffled order (seed + epoch gives each epoch its own order). */
export function shuffledBatches(
  data: LabeledDataset,
  batchSize: number,
  seed: number,
): Iterable<LabeledBatch> {
  return data.batches(batchSize, { indices: shuffledIndices(data.size, seed) });
}
