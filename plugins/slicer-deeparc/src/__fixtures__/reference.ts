import * as tf from '@tensorflow/tfjs';
import type { NeuronModel } from '@neusemslice/core';

/** A row-major samples × features matrix in float64. */
export interface Matrix {
  values: Float64Array;
  samples: number;
  features: number;
}

/** Every neuron layer's output on `x` in float64: flattened maps, or spatial means. */
export function capturedOutputs(
  model: NeuronModel,
  x: tf.Tensor,
  flattened: boolean,
): Record<string, Matrix> {
  const captured: Record<string, Matrix> = {};
  tf.tidy(() => {
    model.run(x, {
      onNeuronOutput: (layer, output) => {
        const samples = output.shape[0];
        const matrix =
          output.rank === 4 && !flattened
            ? tf.mean(output, [1, 2])
            : tf.reshape(output, [samples, -1]);
        captured[layer.name] = {
          values: Float64Array.from(matrix.dataSync()),
          samples,
          features: matrix.shape[1] as number,
        };
        return output;
      },
    });
  });
  return captured;
}

/** Rows start … end−1 of a matrix. */
export function rows(matrix: Matrix, start: number, end: number): Matrix {
  return {
    values: matrix.values.slice(start * matrix.features, end * matrix.features),
    samples: end - start,
    features: matrix.features,
  };
}

function gram(matrix: Matrix): Float64Array {
  const { values, samples: n, features } = matrix;
  const result = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let sum = 0;
      for (let f = 0; f < features; f++) sum += values[a * features + f] * values[b * features + f];
      result[a * n + b] = a === b ? 0 : sum; // K̃: diagonal zeroed
    }
  }
  return result;
}

/** HSIC₁ of Song et al. (2012, Eq. 5), the unbiased estimator, written out term by term. */
export function unbiasedHsic(first: Matrix, second: Matrix): number {
  const n = first.samples;
  const k = gram(first);
  const l = gram(second);
  let trace = 0;
  let sumK = 0;
  let sumL = 0;
  let oneKLOne = 0;
  const rowSumsK = new Float64Array(n);
  const rowSumsL = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      trace += k[a * n + b] * l[b * n + a];
      sumK += k[a * n + b];
      sumL += l[a * n + b];
      rowSumsK[a] += k[a * n + b];
      rowSumsL[b] += l[a * n + b];
    }
  }
  for (let c = 0; c < n; c++) oneKLOne += rowSumsK[c] * rowSumsL[c];
  return (trace + (sumK * sumL) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * oneKLOne) / (n * (n - 3));
}
