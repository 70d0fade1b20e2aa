import * as tf from '@tensorflow/tfjs';
import type { LabeledBatch, LabeledDataset } from '../data/labeled-dataset';

/** A unit of parallel work: some samples of a data set, usually one category's. */
export interface WorkItem {
  /** Positions of the item's samples in the data set, in the order they are visited. */
  indices: Int32Array;
  /** The category all of the item's samples belong to, when it is a per-category item. */
  category?: number;
}

/**
 * Every item's samples copied once into shared memory, item after item, so that every worker
 * reads them without a copy: float32 inputs, int32 labels, and where each item starts.
 */
export interface PackedItems {
  inputs: Float32Array;
  labels: Int32Array;
  /** Item i holds samples itemStarts[i] … itemStarts[i + 1] − 1. */
  itemStarts: Int32Array;
  /** Each item's category, −1 when it has none. */
  categories: Int32Array;
  inputShape: readonly number[];
  numClasses: number;
  name: string;
  /**
   * Per item: 0 while its samples are still being copied, 1 once they are (`ITEM_PACKED`), 2 when
   * the run was given up (`ITEM_ABANDONED`). Workers wait on it, so they can start on the first
   * items while the main thread copies the rest.
   */
  itemState: Int32Array;
}

export const ITEM_PACKED = 1;
export const ITEM_ABANDONED = 2;

/** Shared buffers for every item's samples, none copied yet (see `packItemInto`). */
export function allocatePackedItems(data: LabeledDataset, items: readonly WorkItem[]): PackedItems {
  const sampleSize = data.inputShape.reduce((product, size) => product * size, 1);
  const itemStarts = new Int32Array(new SharedArrayBuffer(4 * (items.length + 1)));
  items.forEach((item, index) => {
    itemStarts[index + 1] = itemStarts[index] + item.indices.length;
  });
  const total = itemStarts[items.length];
  return {
    inputs: new Float32Array(new SharedArrayBuffer(4 * total * sampleSize)),
    labels: new Int32Array(new SharedArrayBuffer(4 * total)),
    itemStarts,
    categories: Int32Array.from(items, (item) => item.category ?? -1),
    inputShape: data.inputShape,
    numClasses: data.numClasses,
    name: data.name,
    itemState: new Int32Array(new SharedArrayBuffer(4 * items.length)),
  };
}

/**
 * Copies one item's samples, then wakes any worker waiting for it: straight from the data set
 * when it offers `copySamplesInto` (no tensors; ~10× cheaper for bytes kept in memory, and this
 * runs on the main thread while the workers wait), else `batchSize` at a time through `batches`.
 */
export function packItemInto(
  packed: PackedItems,
  data: LabeledDataset,
  items: readonly WorkItem[],
  item: number,
  batchSize: number,
): void {
  const sampleSize = data.inputShape.reduce((product, size) => product * size, 1);
  let written = packed.itemStarts[item];
  if (data.copySamplesInto) {
    data.copySamplesInto(items[item].indices, packed.inputs, packed.labels, written);
  } else {
    for (const batch of data.batches(batchSize, { indices: items[item].indices })) {
      packed.inputs.set(batch.x.dataSync() as Float32Array, written * sampleSize);
      packed.labels.set(batch.labels, written);
      written += batch.labels.length;
      batch.x.dispose();
    }
  }
  Atomics.store(packed.itemState, item, ITEM_PACKED);
  Atomics.notify(packed.itemState, item);
}

/** Marks every item not yet copied as given up, waking the workers that wait for one. */
export function abandonPackedItems(packed: PackedItems): void {
  for (let item = 0; item < packed.itemState.length; item++) {
    Atomics.compareExchange(packed.itemState, item, 0, ITEM_ABANDONED);
    Atomics.notify(packed.itemState, item);
  }
}

/** Blocks (a worker) until the item's samples are copied; throws if the run was given up. */
export function waitForPackedItem(packed: PackedItems, item: number): void {
  while (Atomics.load(packed.itemState, item) === 0) Atomics.wait(packed.itemState, item, 0, 1000);
  if (Atomics.load(packed.itemState, item) === ITEM_ABANDONED)
    throw new Error(`item ${item} was abandoned: the run failed elsewhere`);
}

/** Copies every item's samples into SharedArrayBuffers, `batchSize` samples at a time. */
export function packItems(
  data: LabeledDataset,
  items: readonly WorkItem[],
  batchSize: number,
): PackedItems {
  const packed = allocatePackedItems(data, items);
  for (let item = 0; item < items.length; item++)
    packItemInto(packed, data, items, item, batchSize);
  return packed;
}

/** One item of a PackedItems as a data set (in the packed order), for the thread that runs it. */
export class PackedItemDataset implements LabeledDataset {
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  private readonly sampleSize: number;

  constructor(
    readonly name: string,
    private readonly inputs: Float32Array,
    private readonly allLabels: Int32Array,
    inputShape: readonly number[],
    numClasses: number,
    private readonly order?: Int32Array,
  ) {
    this.inputShape = inputShape;
    this.numClasses = numClasses;
    this.sampleSize = inputShape.reduce((product, size) => product * size, 1);
    this.size = order ? order.length : allLabels.length;
  }

  static ofItem(packed: PackedItems, item: number, name: string): PackedItemDataset {
    const start = packed.itemStarts[item];
    const end = packed.itemStarts[item + 1];
    const sampleSize = packed.inputShape.reduce((product, size) => product * size, 1);
    return new PackedItemDataset(
      name,
      packed.inputs.subarray(start * sampleSize, end * sampleSize),
      packed.labels.subarray(start, end),
      packed.inputShape,
      packed.numClasses,
    );
  }

  labels(): Int32Array {
    return this.order ? this.order.map((index) => this.allLabels[index]) : this.allLabels.slice();
  }

  *batches(batchSize: number, options: { indices?: Int32Array } = {}): Iterable<LabeledBatch> {
    const positions =
      options.indices ?? Int32Array.from({ length: this.size }, (_, index) => index);
    for (let start = 0; start < positions.length; start += batchSize) {
      const chunk = positions.subarray(start, start + batchSize);
      const values = new Float32Array(chunk.length * this.sampleSize);
      const labels = new Int32Array(chunk.length);
      chunk.forEach((position, row) => {
        const index = this.order ? this.order[position] : position;
        values.set(
          this.inputs.subarray(index * this.sampleSize, (index + 1) * this.sampleSize),
          row * this.sampleSize,
        );
        labels[row] = this.allLabels[index];
      });
      yield { x: tf.tensor(values, [chunk.length, ...this.inputShape]), labels };
    }
  }

  subset(indices: Int32Array, name?: string): LabeledDataset {
    const order = this.order
      ? indices.map((position) => (this.order as Int32Array)[position])
      : indices.slice();
    return new PackedItemDataset(
      name ?? `${this.name}/subset`,
      this.inputs,
      this.allLabels,
      this.inputShape,
      this.numClasses,
      order,
    );
  }
}
