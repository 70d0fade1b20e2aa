import { UsageError } from '@neusemslice/core';
import { checkStep, checkTheta } from './options';

/*
 * The exact prefix scan of semantic slicing (SPEC §3). The embedding landscape of a layer is a sum
 * of per-neuron Grams, M = Σ_j G_j, so everything Eq. 4 needs is the neurons × neurons matrix of
 * their inner products P_jk = ⟨G̃_j, G̃_k⟩_F:
 *   ⟨M_Ω, M⟩ = Σ_{j∈Ω} Σ_k P_jk,   ‖M_Ω‖² = Σ_{j,k∈Ω} P_jk,   ‖M‖² = Σ_{j,k} P_jk.
 * Walking the ranked order and adding neuron j to the prefix adds its row sum to the numerator and
 * 2·Σ_{k∈Ω} P_jk + P_jj to ‖M_Ω‖², so the whole curve costs O(N²) and answers every Θ at once.
 */

function checkSquare(values: Float64Array, size: number, inputName: string): void {
  if (!Number.isInteger(size) || size < 1 || values.length !== size * size) {
    throw new UsageError(
      `${inputName} has ${values.length} entries, expected ${size} × ${size} = ${size * size}`,
    );
  }
}

/**
 * P for one feature per neuron: P_jk = C_jk², C = F̃ᵀF̃ the neurons × neurons cross-product of the
 * (centred or raw) features, because then ⟨G_j, G_k⟩ = (f_jᵀ f_k)².
 */
export function gramProductsOfCrossProduct(
  crossProduct: Float64Array,
  units: number,
): Float64Array {
  checkSquare(crossProduct, units, 'cross-product');
  const products = new Float64Array(crossProduct.length);
  for (let index = 0; index < crossProduct.length; index++) {
    const value = crossProduct[index];
    products[index] = value * value;
  }
  return products;
}

/**
 * P for neurons with several features each (a conv neuron's flattened map of `positions` values):
 * P_jk = ‖F̃_jᵀ F̃_k‖²_F = Σ_{s,t} C[(j,s),(k,t)]², with C the (units·positions)² cross-product of
 * all features in channel-major order (feature j·positions + s is neuron j at position s).
 */
export function flattenedGramProducts(
  crossProduct: Float64Array,
  units: number,
  positions: number,
): Float64Array {
  if (!Number.isInteger(positions) || positions < 1) {
    throw new UsageError(`positions must be an integer ≥ 1, got ${positions}`);
  }
  const width = units * positions;
  checkSquare(crossProduct, width, 'flattened cross-product');
  const products = new Float64Array(units * units);
  for (let j = 0; j < units; j++) {
    for (let k = j; k < units; k++) {
      let sum = 0;
      for (let s = 0; s < positions; s++) {
        const offset = (j * positions + s) * width + k * positions;
        for (let t = 0; t < positions; t++) {
          const value = crossProduct[offset + t];
          sum += value * value;
        }
      }
      products[j * units + k] = sum;
      products[k * units + j] = sum;
    }
  }
  return products;
}

/** Throws unless `order` holds each of 0 … units−1 once; returns it as an Int32Array. */
function checkPermutation(order: ArrayLike<number>, units: number): Int32Array {
  if (order.length !== units) {
    throw new UsageError(
      `ranked order has ${order.length} entries, expected ${units} (one per neuron)`,
    );
  }
  const seen = new Uint8Array(units);
  const checked = new Int32Array(units);
  for (let position = 0; position < units; position++) {
    const neuron = order[position];
    if (!Number.isInteger(neuron) || neuron < 0 || neuron >= units || seen[neuron]) {
      throw new UsageError(
        `ranked order must list each neuron 0 … ${units - 1} once; entry ${position} is ${neuron}`,
      );
    }
    seen[neuron] = 1;
    checked[position] = neuron;
  }
  return checked;
}

/**
 * CKA of every prefix of `rankedOrder` with the whole layer: curve[m − 1] = sim(first m neurons,
 * all neurons), for m = 1 … units, from the neurons × neurons Gram products P (see
 * `gramProductsOfCrossProduct` and `flattenedGramProducts`). The last entry is exactly 1. A layer
 * whose landscape is zero (‖M‖ = 0: constant features when centred) gives a curve of ones, since
 * every prefix then equals the layer. O(units²), no allocation in the loops.
 */
export function similarityCurve(
  gramProducts: Float64Array,
  units: number,
  rankedOrder: ArrayLike<number>,
): Float64Array {
  checkSquare(gramProducts, units, 'Gram products');
  const order = checkPermutation(rankedOrder, units);
  const rowSums = new Float64Array(units);
  let total = 0;
  for (let j = 0; j < units; j++) {
    const row = j * units;
    let sum = 0;
    for (let k = 0; k < units; k++) sum += gramProducts[row + k];
    rowSums[j] = sum;
    total += sum;
  }
  const curve = new Float64Array(units);
  if (!(total > 0)) return curve.fill(1);
  const layerNorm = Math.sqrt(total);
  let numerator = 0;
  let prefixSquaredNorm = 0;
  for (let position = 0; position < units; position++) {
    const neuron = order[position];
    const row = neuron * units;
    let withPrefix = 0;
    for (let earlier = 0; earlier < position; earlier++)
      withPrefix += gramProducts[row + order[earlier]];
    numerator += rowSums[neuron];
    prefixSquaredNorm += 2 * withPrefix + gramProducts[row + neuron];
    // Cauchy–Schwarz bounds the cosine by 1; rounding may not.
    curve[position] =
      prefixSquaredNorm > 0
        ? Math.min(1, numerator / (Math.sqrt(prefixSquaredNorm) * layerNorm))
        : 0;
  }
  curve[units - 1] = 1;
  return curve;
}

/** The prefix Algorithm 1 stops at. */
export interface ChosenPrefix {
  /** Number of top-ranked neurons kept. */
  size: number;
  /** Its CKA with the whole layer. */
  similarity: number;
}

/**
 * The smallest prefix with sim ≥ Θ among sizes step, 2·step, …, and the whole layer (Algorithm 1
 * adds the top `step` remaining neurons at a time; the last addition may be smaller).
 */
export function smallestPrefix(curve: Float64Array, theta: number, step = 1): ChosenPrefix {
  checkTheta(theta);
  checkStep(step);
  const units = curve.length;
  if (units === 0) throw new UsageError('similarity curve is empty');
  for (let size = step; size < units; size += step) {
    if (curve[size - 1] >= theta) return { size, similarity: curve[size - 1] };
  }
  return { size: units, similarity: curve[units - 1] };
}
