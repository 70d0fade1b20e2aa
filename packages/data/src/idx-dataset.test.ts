import { makeIdxPair } from './__fixtures__/encoders';
import { datasetFromIdx } from './idx-dataset';
import { parseIdx } from './idx-reader';

describe('datasetFromIdx', () => {
  it('scales pixels to [0, 1], adds a channel axis and keeps the labels', () => {
    const { images, labels, pixelValues, labelValues } = makeIdxPair(6, 3, 2);
    const data = datasetFromIdx({
      name: 'toy/train',
      images: { fileName: 'img', idx: parseIdx(images, 'img') },
      labels: { fileName: 'lab', idx: parseIdx(labels, 'lab') },
      numClasses: 10,
    });
    expect(data.name).toBe('toy/train');
    expect(data.size).toBe(6);
    expect(data.inputShape).toEqual([3, 2, 1]);
    expect(Array.from(data.labels())).toEqual(Array.from(labelValues));
    const { pixels } = data.sample(2);
    expect(Array.from(pixels)).toEqual(
      Array.from(pixelValues.subarray(12, 18), (byte) => Math.fround(byte / 255)),
    );
  });

  it('names the file when counts, shapes or labels do not fit', () => {
    const pair = makeIdxPair(4, 2, 2);
    const other = makeIdxPair(3, 2, 2);
    const images = { fileName: 'img', idx: parseIdx(pair.images, 'img') };
    const labels = { fileName: 'lab', idx: parseIdx(pair.labels, 'lab') };
    expect(() =>
      datasetFromIdx({
        name: 'x',
        images,
        labels: { fileName: 'lab3', idx: parseIdx(other.labels, 'l') },
        numClasses: 10,
      }),
    ).toThrow('lab3: expected 4 labels (one per image of img), got 3');
    expect(() => datasetFromIdx({ name: 'x', images: labels, labels, numClasses: 10 })).toThrow(
      'lab: expected images of shape [count, rows, cols] (or [count, features], [count, rows, cols, channels]), got uint8 [4]',
    );
    // Labels are 0, 7, 4, 1: with 5 classes the second one is out of range.
    expect(() => datasetFromIdx({ name: 'x', images, labels, numClasses: 5 })).toThrow(
      'lab: label 1 is 7, expected 0 … 4',
    );
  });
});
