import * as tf from '@tensorflow/tfjs';
import { randomValues } from './compare-backends';

/** Swaps the last two dimensions of a shape. */
function swapLast(shape: number[]): number[] {
  return [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]];
}

/** Operands stored transposed when asked, so that the product has the same meaning. */
export function operands(
  shapes: { a: number[]; b: number[] },
  transposeA: boolean,
  transposeB: boolean,
  seed: number,
) {
  const aShape = transposeA ? swapLast(shapes.a) : shapes.a;
  const bShape = transposeB ? swapLast(shapes.b) : shapes.b;
  return {
    aShape,
    bShape,
    a: randomValues(tf.util.sizeFromShape(aShape), seed),
    b: randomValues(tf.util.sizeFromShape(bShape), seed + 1),
  };
}
