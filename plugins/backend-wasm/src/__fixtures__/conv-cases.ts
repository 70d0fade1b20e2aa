import * as tf from '@tensorflow/tfjs';
import { randomValues } from './compare-backends';

export type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

export interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  filter: [number, number];
  outChannels: number;
  stride: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export const convCases: ConvCase[] = [
  {
    batch: 2,
    height: 6,
    width: 6,
    inChannels: 1,
    filter: [3, 3],
    outChannels: 4,
    stride: 1,
    pad: 'same',
  },
  {
    batch: 3,
    height: 7,
    width: 5,
    inChannels: 3,
    filter: [3, 3],
    outChannels: 2,
    stride: 1,
    pad: 'valid',
  },
  {
    batch: 2,
    height: 8,
    width: 8,
    inChannels: 4,
    filter: [3, 3],
    outChannels: 8,
    stride: 2,
    pad: 'same',
  },
  {
    batch: 2,
    height: 7,
    width: 9,
    inChannels: 2,
    filter: [3, 3],
    outChannels: 3,
    stride: 2,
    pad: 'same',
  },
  {
    batch: 1,
    height: 9,
    width: 8,
    inChannels: 3,
    filter: [3, 3],
    outChannels: 5,
    stride: 2,
    pad: 'valid',
  },
  {
    batch: 4,
    height: 10,
    width: 10,
    inChannels: 8,
    filter: [5, 5],
    outChannels: 6,
    stride: 2,
    pad: 'valid',
  },
  {
    batch: 2,
    height: 6,
    width: 7,
    inChannels: 5,
    filter: [2, 4],
    outChannels: 3,
    stride: [1, 2],
    pad: 'same',
  },
  {
    batch: 3,
    height: 5,
    width: 5,
    inChannels: 16,
    filter: [1, 1],
    outChannels: 7,
    stride: 1,
    pad: 'valid',
  },
  {
    batch: 2,
    height: 6,
    width: 6,
    inChannels: 3,
    filter: [3, 3],
    outChannels: 4,
    stride: 2,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  {
    batch: 2,
    height: 7,
    width: 9,
    inChannels: 2,
    filter: [3, 3],
    outChannels: 3,
    stride: 2,
    pad: 1,
  },
  // The stride skips the last row and column: x is cropped (filter) or dy's dilation cut (input).
  {
    batch: 2,
    height: 7,
    width: 7,
    inChannels: 3,
    filter: [1, 1],
    outChannels: 4,
    stride: 2,
    pad: 'valid',
  },
  {
    batch: 2,
    height: 8,
    width: 6,
    inChannels: 2,
    filter: [2, 2],
    outChannels: 3,
    stride: 2,
    pad: 'same',
  },
  {
    batch: 2,
    height: 11,
    width: 10,
    inChannels: 3,
    filter: [3, 3],
    outChannels: 4,
    stride: 3,
    pad: 'valid',
  },
  {
    batch: 2,
    height: 9,
    width: 9,
    inChannels: 2,
    filter: [4, 4],
    outChannels: 3,
    stride: [2, 3],
    pad: 'same',
  },
];

export function describeConvCase(c: ConvCase): string {
  return `x [${c.batch},${c.height},${c.width},${c.inChannels}], filter ${c.filter.join('x')}→${c.outChannels}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}${c.dimRoundingMode ? `, ${c.dimRoundingMode}` : ''}`;
}

export function convInputsOf(c: ConvCase, seed: number) {
  const xShape: [number, number, number, number] = [c.batch, c.height, c.width, c.inChannels];
  const filterShape: [number, number, number, number] = [...c.filter, c.inChannels, c.outChannels];
  const x = randomValues(tf.util.sizeFromShape(xShape), seed);
  const filter = randomValues(tf.util.sizeFromShape(filterShape), seed + 1);
  const outShape = tf.tidy(
    () =>
      tf.conv2d(
        tf.zeros(xShape) as tf.Tensor4D,
        tf.zeros(filterShape) as tf.Tensor4D,
        c.stride,
        c.pad,
        'NHWC',
        1,
        c.dimRoundingMode,
      ).shape,
  );
  const dy = randomValues(tf.util.sizeFromShape(outShape), seed + 2);
  return { xShape, filterShape, outShape, x, filter, dy };
}
