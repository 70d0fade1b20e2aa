import { UsageError } from '../errors';

/** A row-major samples × features matrix in float64. */
export interface FeatureMatrix {
  values: Float64Array | Float32Array;
  samples: number;
  features: number;
}

export interface CkaOptions {
  /** true (default): linear centred CKA (Kornblith et al. 2019); false: the paper's literal Eq. 2 on uncentred Grams. */
  centered?: boolean;
}

function checkMatrix(matrix: FeatureMatrix, inputName: string): void {
  if (matrix.values.length !== matrix.samples * matrix.features) {
    throw new UsageError(
      `${inputName} has ${matrix.values.length} values, expected samples × features = ${matrix.samples} × ${matrix.features}`,
    );
  }
}

/** Columns centred to zero mean (H F with H = I − 11ᵀ/n), as a new float64 matrix. */
function centeredColumns(matrix: FeatureMatrix): Float64Array {
  const { samples, features, values } = matrix;
  const means = new Float64Array(features);
  for (let row = 0; row < samples; row++) {
    for (let column = 0; column < features; column++)
      means[column] += values[row * features + column];
  }
  for (let column = 0; column < features; column++) means[column] /= samples;
  const centered = new Float64Array(samples * features);
  for (let row = 0; row < samples; row++) {
    for (let column = 0; column < features; column++) {
      centered[row * features + column] = values[row * features + column] - means[column];
    }
  }
  return centered;
}

/** XᵀY for row-major X (n × p) and Y (n × q), as p × q. */
function crossProduct(
  x: Float64Array | Float32Array,
  p: number,
  y: Float64Array | Float32Array,
  q: number,
  n: number,
): Float64Array {
  const product = new Float64Array(p * q);
  for (let row = 0; row < n; row++) {
    for (let i = 0; i < p; i++) {
      const xValue = x[row * p + i];
      if (xValue === 0) continue;
      const offset = i * q;
      for (let j = 0; j < q; j++) product[offset + j] += xValue * y[row * q + j];
    }
  }
  return product;
}

function squaredNorm(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value * value;
  return sum;
}

/**
 * Similarity of two representations of the same samples (paper Eq. 1–2): the cosine between
 * their Gram matrices M = F Fᵀ, centred (M̃ = H M H) by default. Uses the feature-space identity
 * ⟨M_A, M_B⟩_F = ‖AᵀB‖²_F, so no samples × samples matrix is built. Returns a value in [0, 1];
 * 0 when either representation is constant.
 */
export function linearCka(a: FeatureMatrix, b: FeatureMatrix, options: CkaOptions = {}): number {
  checkMatrix(a, 'first feature matrix');
  checkMatrix(b, 'second feature matrix');
  if (a.samples !== b.samples) {
    throw new UsageError(
      `CKA needs the same samples on both sides, got ${a.samples} and ${b.samples}`,
    );
  }
  const centered = options.centered ?? true;
  const aValues = centered ? centeredColumns(a) : a.values;
  const bValues = centered ? centeredColumns(b) : b.values;
  const n = a.samples;
  const cross = squaredNorm(crossProduct(aValues, a.features, bValues, b.features, n));
  const selfA = squaredNorm(crossProduct(aValues, a.features, aValues, a.features, n));
  const selfB = squaredNorm(crossProduct(bValues, b.features, bValues, b.features, n));
  const denominator = Math.sqrt(selfA) * Math.sqrt(selfB);
  return denominator > 0 ? cross / denominator : 0;
}
