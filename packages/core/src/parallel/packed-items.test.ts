import * as tf from '@tensorflow/tfjs';
import type { LabeledDataset } from '../data/labeled-dataset';
import { makeSeparableDataset } from '../testing/array-dataset';
import {
  allocatePackedItems,
  ITEM_PACKED,
  PackedItemDataset,
  packItemInto,
  packItems,
} from './packed-items';

function fixture() {
  const data = makeSeparableDataset({
    samplesPerClass: 5,
    numClasses: 2,
    inputShape: [3],
    seed: 2,
  });
  const items = [
    { indices: Int32Array.from([9, 0, 4]), category: 0 },
    { indices: Int32Array.from([1, 7]), category: 1 },
  ];
  return { data, items };
}

function inputsAndLabels(data: LabeledDataset, indices: Int32Array) {
  const [batch] = [...data.batches(64, { indices })];
  const inputs = batch.x.dataSync() as Float32Array;
  batch.x.dispose();
  return { inputs, labels: batch.labels };
}

describe('packed items', () => {
  it('copies every item through batches when the data set has no fast path', () => {
    const { data, items } = fixture();
    const packed = packItems(data, items, 2);
    items.forEach((item, index) => {
      const expected = inputsAndLabels(data, item.indices);
      const view = PackedItemDataset.ofItem(packed, index, `item-${index}`);
      const copied = inputsAndLabels(view, Int32Array.from(item.indices.keys()));
      expect(copied.inputs).toEqual(expected.inputs);
      expect(copied.labels).toEqual(expected.labels);
      expect(packed.itemState[index]).toBe(ITEM_PACKED);
    });
  });

  it("uses the data set's copySamplesInto when it has one, with no tensors", () => {
    const { data, items } = fixture();
    const calls: Array<{ indices: number[]; offset: number }> = [];
    const withFastPath: LabeledDataset = {
      ...data,
      name: data.name,
      size: data.size,
      inputShape: data.inputShape,
      numClasses: data.numClasses,
      labels: () => data.labels(),
      subset: (indices, name) => data.subset(indices, name),
      batches: () => {
        throw new Error('batches must not be used when copySamplesInto exists');
      },
      copySamplesInto: (indices, inputs, labels, offset) => {
        calls.push({ indices: [...indices], offset });
        const copied = inputsAndLabels(data, indices);
        inputs.set(copied.inputs, offset * 3);
        labels.set(copied.labels, offset);
      },
    };
    const packed = allocatePackedItems(withFastPath, items);
    const tensorsBefore = tf.memory().numTensors;
    packItemInto(packed, withFastPath, items, 1, 2);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(calls).toEqual([{ indices: [1, 7], offset: 3 }]);
    expect(packed.itemState[1]).toBe(ITEM_PACKED);
    expect(packed.itemState[0]).toBe(0);
    const view = PackedItemDataset.ofItem(packed, 1, 'item-1');
    expect(view.labels()).toEqual(inputsAndLabels(data, items[1].indices).labels);
  });
});
