import * as tf from '@tensorflow/tfjs';
import { type LabeledBatch, type LabeledDataset, UsageError } from '@neusemslice/core';
import { copyBytesAsUnitFloats } from './pixel-scale';

/** The samples of an in-memory data set, shared (never copied) by all its subset views. */
export interface InMemorySamples {
  /** A short name for reports, e.g. `mnist/train`. */
  name: string;
  /**
   * All samples back to back, each `inputShape` in row-major order. Float32 values are used as
   * they are; 8-bit values (images as IDX and CIFAR-10 ship them) stay bytes in memory, a
   * quarter of the size, and become byte / 255 in [0, 1] only when a batch is taken.
   */
  pixels: Float32Array | Uint8Array;
  /** Class index of every sample. */
  labels: Int32Array;
  /** Shape of one sample, e.g. [28, 28, 1]. */
  inputShape: readonly number[];
  numClasses: number;
  classNames?: readonly string[];
}

/**
 * A labelled data set held in memory as one Float32Array or one Uint8Array of bytes. Batches are
 * cut lazily, one float32 tensor per batch (never a tensor of the whole set, and bytes are
 * scaled per batch); a subset is a list of indices over the same pixels, so slicing subsets of a
 * 60,000-image set costs no copy.
 */
export class InMemoryDataset implements LabeledDataset {
  readonly name: string;
  readonly size: number;
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  /** Values per sample (product of inputShape). */
  readonly sampleSize: number;
  private readonly pixels: Float32Array | Uint8Array;
  private readonly allLabels: Int32Array;
  /** Indices into the stored samples; undefined means all of them in order. */
  private readonly order?: Int32Array;

  constructor(samples: InMemorySamples, order?: Int32Array) {
    const { name, pixels, labels, inputShape, numClasses, classNames } = samples;
    if (!inputShape.every((size) => Number.isInteger(size) && size > 0)) {
      throw new UsageError(
        `${name}: inputShape must hold positive integers, got [${inputShape.join(', ')}]`,
      );
    }
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new UsageError(`${name}: numClasses must be an integer ≥ 1, got ${numClasses}`);
    }
    const sampleSize = inputShape.reduce((product, size) => product * size, 1);
    if (pixels.length !== labels.length * sampleSize) {
      throw new UsageError(
        `${name}: expected ${labels.length} samples × ${sampleSize} values = ${labels.length * sampleSize} pixels, got ${pixels.length}`,
      );
    }
    if (classNames && classNames.length !== numClasses) {
      throw new UsageError(`${name}: expected ${numClasses} class names, got ${classNames.length}`);
    }
    if (order === undefined) checkLabels(name, labels, numClasses);
    else checkIndices(`${name}: subset index`, order, labels.length);
    this.name = name;
    this.pixels = pixels;
    this.allLabels = labels;
    this.inputShape = [...inputShape];
    this.numClasses = numClasses;
    this.classNames = classNames ? [...classNames] : undefined;
    this.sampleSize = sampleSize;
    this.order = order;
    this.size = order ? order.length : labels.length;
  }

  /**
   * The stored samples, shared by every subset view (read-only; not a copy): a Uint8Array when
   * the data set keeps bytes, else a Float32Array.
   */
  get storedValues(): Float32Array | Uint8Array {
    return this.pixels;
  }

  /** Bytes of memory the stored samples take (shared by every subset view). */
  get storedBytes(): number {
    return this.pixels.byteLength;
  }

  /** A view of the same samples as `inputShape` (same number of values per sample, no copy). */
  withInputShape(inputShape: readonly number[]): InMemoryDataset {
    const sampleSize = inputShape.reduce((product, size) => product * size, 1);
    if (sampleSize !== this.sampleSize) {
      throw new UsageError(
        `${this.name}: cannot view samples of shape [${this.inputShape.join(', ')}] (${this.sampleSize} values) as [${inputShape.join(', ')}] (${sampleSize} values)`,
      );
    }
    return new InMemoryDataset(
      {
        name: this.name,
        pixels: this.pixels,
        labels: this.allLabels,
        inputShape,
        numClasses: this.numClasses,
        classNames: this.classNames,
      },
      this.order,
    );
  }

  /**
   * A copy holding only the samples this view shows, in its order: a small subset (e.g. 100 per
   * class for slicing) then no longer keeps the whole stored set in memory.
   */
  compact(name?: string): InMemoryDataset {
    const pixels =
      this.pixels instanceof Uint8Array
        ? new Uint8Array(this.size * this.sampleSize)
        : new Float32Array(this.size * this.sampleSize);
    for (let position = 0; position < this.size; position++) {
      const index = this.order ? this.order[position] : position;
      const offset = index * this.sampleSize;
      pixels.set(
        this.pixels.subarray(offset, offset + this.sampleSize),
        position * this.sampleSize,
      );
    }
    return new InMemoryDataset({
      name: name ?? this.name,
      pixels,
      labels: this.labels(),
      inputShape: this.inputShape,
      numClasses: this.numClasses,
      classNames: this.classNames,
    });
  }

  labels(): Int32Array {
    const order = this.order;
    return order ? order.map((index) => this.allLabels[index]) : this.allLabels.slice();
  }

  /**
   * The pixels and label of the sample at `position`: a read-only view (not a copy) for float32
   * data, the scaled floats (a fresh array) for byte data.
   */
  sample(position: number): { pixels: Float32Array; label: number } {
    if (!Number.isInteger(position) || position < 0 || position >= this.size) {
      throw new UsageError(
        `${this.name}: sample position must be an integer in [0, ${this.size - 1}], got ${position}`,
      );
    }
    const index = this.order ? this.order[position] : position;
    const stored = this.pixels.subarray(index * this.sampleSize, (index + 1) * this.sampleSize);
    return {
      pixels:
        stored instanceof Float32Array
          ? stored
          : copyBytesAsUnitFloats(stored, new Float32Array(this.sampleSize), 0),
      label: this.allLabels[index],
    };
  }

  batches(batchSize: number, options: { indices?: Int32Array } = {}): Iterable<LabeledBatch> {
    // Checked here, not inside the generator, so that a bad argument fails at the call.
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new UsageError(`batchSize must be an integer ≥ 1, got ${String(batchSize)}`);
    }
    if (options.indices) checkIndices(`${this.name}: batch index`, options.indices, this.size);
    return this.generateBatches(batchSize, options.indices);
  }

  subset(indices: Int32Array, name?: string): InMemoryDataset {
    checkIndices(`${this.name}: subset index`, indices, this.size);
    const order = this.order;
    const stored = order ? indices.map((position) => order[position]) : indices.slice();
    return new InMemoryDataset(
      {
        name: name ?? `${this.name}/subset`,
        pixels: this.pixels,
        labels: this.allLabels,
        inputShape: this.inputShape,
        numClasses: this.numClasses,
        classNames: this.classNames,
      },
      stored,
    );
  }

  /** Writes the float32 inputs and labels of the samples at `indices` from sample `offset` on. */
  copySamplesInto(
    indices: Int32Array,
    inputs: Float32Array,
    labels: Int32Array,
    offset: number,
  ): void {
    checkIndices(`${this.name}: copy index`, indices, this.size);
    if (
      !Number.isInteger(offset) ||
      offset < 0 ||
      (offset + indices.length) * this.sampleSize > inputs.length ||
      offset + indices.length > labels.length
    ) {
      throw new UsageError(
        `${this.name}: cannot copy ${indices.length} samples from sample ${offset} on into ${inputs.length} input values and ${labels.length} labels`,
      );
    }
    this.writeSamples(indices, 0, indices.length, inputs, labels, offset);
  }

  /** Samples `positions[start … start + rows − 1]` (all in order when undefined) from row `row0` on. */
  private writeSamples(
    positions: Int32Array | undefined,
    start: number,
    rows: number,
    values: Float32Array,
    labels: Int32Array,
    row0: number,
  ): void {
    for (let row = 0; row < rows; row++) {
      const position = positions ? positions[start + row] : start + row;
      const index = this.order ? this.order[position] : position;
      const offset = index * this.sampleSize;
      const stored = this.pixels.subarray(offset, offset + this.sampleSize);
      if (stored instanceof Float32Array) values.set(stored, (row0 + row) * this.sampleSize);
      else copyBytesAsUnitFloats(stored, values, (row0 + row) * this.sampleSize);
      labels[row0 + row] = this.allLabels[index];
    }
  }

  private *generateBatches(batchSize: number, positions?: Int32Array): Generator<LabeledBatch> {
    const count = positions ? positions.length : this.size;
    for (let start = 0; start < count; start += batchSize) {
      const rows = Math.min(batchSize, count - start);
      const values = new Float32Array(rows * this.sampleSize);
      const labels = new Int32Array(rows);
      this.writeSamples(positions, start, rows, values, labels, 0);
      // A fresh array per batch: the cpu backend keeps the array it is given.
      yield { x: tf.tensor(values, [rows, ...this.inputShape], 'float32'), labels };
    }
  }
}

function checkLabels(name: string, labels: Int32Array, numClasses: number): void {
  for (let index = 0; index < labels.length; index++) {
    const label = labels[index];
    if (label < 0 || label >= numClasses) {
      throw new UsageError(
        `${name}: label of sample ${index} is ${label}, expected 0 … ${numClasses - 1}`,
      );
    }
  }
}

function checkIndices(what: string, indices: Int32Array, size: number): void {
  for (let position = 0; position < indices.length; position++) {
    const index = indices[position];
    if (index < 0 || index >= size) {
      throw new UsageError(
        `${what} ${index} at position ${position} is out of range, expected 0 … ${size - 1}`,
      );
    }
  }
}
