import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { batchMatMul, copyRange, release, runStockKernel, transpose, viewAs } from './wasm-ops';

/**
 * Batched matmul for the wasm backend that always reaches XNNPACK's fast GEMM.
 *
 * The stock kernel uses XNNPACK only for an untransposed product of two batch-1 operands and
 * otherwise a naive loop (≈ 5–10× slower; with a bias it also returns wrong values). Here the
 * transposes are materialised with the wasm Transpose kernel and the batch is folded into the
 * matrix rows where the algebra allows, so the stock kernel always gets its fast case.
 */

export interface MatMulOperands {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
}

/** What a fused matmul adds after the product; the stock kernel fuses it on its fast path. */
export interface MatMulEpilogue {
  bias?: tf.TensorInfo | null;
  activation: string;
  preluActivationWeights?: tf.TensorInfo | null;
  leakyreluAlpha?: number;
}

interface Layout {
  /** Batch dimensions, as given. */
  batchShape: number[];
  batch: number;
  rows: number;
  cols: number;
}

/** Shape of `x` read as a batch of matrices, transposed if asked. */
function layoutOf(x: tf.TensorInfo, transposed: boolean): Layout {
  const rank = x.shape.length;
  if (rank < 2) throw new Error(`matmul operands need rank ≥ 2, got shape [${x.shape}]`);
  const batchShape = x.shape.slice(0, -2);
  const [r, c] = x.shape.slice(-2);
  return {
    batchShape,
    batch: tf.util.sizeFromShape(batchShape),
    rows: transposed ? c : r,
    cols: transposed ? r : c,
  };
}

/**
 * `x` as a rank-3 [batch, rows, cols] buffer with the transpose applied; `owned` says whether
 * a new buffer was made (to release) or `x` is seen through a view.
 */
function asRowMajor3d(
  backend: BackendWasm,
  x: tf.TensorInfo,
  transposed: boolean,
  layout: Layout,
): { info: tf.TensorInfo; owned: boolean } {
  const { batch, rows, cols } = layout;
  if (!transposed) return { info: viewAs(x, [batch, rows, cols]), owned: false };
  return {
    info: transpose(backend, viewAs(x, [batch, cols, rows]), [0, 2, 1]),
    owned: true,
  };
}

/** Stock fused kernel on batch-1 operands (its XNNPACK path); a bias must be per column. */
function fusedOnFastPath(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  epilogue: MatMulEpilogue,
): tf.TensorInfo {
  return runStockKernel(
    tf._FusedMatMul,
    backend,
    {
      a,
      b,
      ...(epilogue.bias ? { bias: epilogue.bias } : {}),
      ...(epilogue.preluActivationWeights
        ? { preluActivationWeights: epilogue.preluActivationWeights }
        : {}),
    },
    {
      transposeA: false,
      transposeB: false,
      activation: epilogue.activation,
      leakyreluAlpha: epilogue.leakyreluAlpha ?? 0,
    },
  );
}

/** Whether the stock fused kernel computes this epilogue correctly on its fast path. */
function fusableOnFastPath(epilogue: MatMulEpilogue, cols: number): boolean {
  const { bias, preluActivationWeights, activation } = epilogue;
  const biasPerColumn = !bias || (bias.shape.length === 1 && bias.shape[0] === cols);
  const preluPerColumn =
    activation !== 'prelu' ||
    (preluActivationWeights != null &&
      preluActivationWeights.shape.length === 1 &&
      preluActivationWeights.shape[0] === cols);
  return biasPerColumn && preluPerColumn;
}

/** Index into an operand's batch for a given output batch index, with broadcasting. */
function broadcastBatchIndex(outIndex: number[], operandBatchShape: number[]): number {
  const offset = outIndex.length - operandBatchShape.length;
  let flat = 0;
  for (let axis = 0; axis < operandBatchShape.length; axis++) {
    const size = operandBatchShape[axis];
    flat = flat * size + (size === 1 ? 0 : outIndex[axis + offset]);
  }
  return flat;
}

/**
 * a·b for the wasm backend, with the epilogue applied when given. Returns a new buffer of shape
 * [...broadcast batch, rows of a, cols of b]. `fusedEpilogue` is set when the epilogue was
 * applied here; otherwise the caller applies it.
 */
export function untransposedMatMul(
  backend: BackendWasm,
  { a, b, transposeA, transposeB }: MatMulOperands,
  epilogue: MatMulEpilogue | null,
): { out: tf.TensorInfo; fusedEpilogue: boolean } {
  const la = layoutOf(a, transposeA);
  const lb = layoutOf(b, transposeB);
  if (la.cols !== lb.rows) {
    throw new Error(
      `matmul: inner dimensions differ: a [${a.shape}] (transposeA=${transposeA}) has ${la.cols}, ` +
        `b [${b.shape}] (transposeB=${transposeB}) has ${lb.rows}`,
    );
  }
  const outBatchShape = tf.broadcast_util.assertAndGetBroadcastShape(la.batchShape, lb.batchShape);
  const outShape = [...outBatchShape, la.rows, lb.cols];
  const inner = la.cols;

  if (lb.batch === 1) {
    // One weight matrix: stack every batch of a into the rows of one GEMM.
    const a3 = asRowMajor3d(backend, a, transposeA, la);
    const b3 = asRowMajor3d(backend, b, transposeB, lb);
    const aRows = viewAs(a3.info, [1, la.batch * la.rows, inner]);
    const fuse = epilogue != null && fusableOnFastPath(epilogue, lb.cols);
    const product = fuse
      ? fusedOnFastPath(backend, aRows, b3.info, epilogue)
      : batchMatMul(backend, aRows, b3.info);
    release(backend, a3.owned ? a3.info : null, b3.owned ? b3.info : null);
    return { out: viewAs(product, outShape), fusedEpilogue: fuse };
  }

  if (la.batch === 1) {
    // One left matrix: lay the batches of b side by side as columns, [inner, batch·cols].
    const bSideBySide = transposeB
      ? transpose(backend, viewAs(b, [lb.batch, lb.cols, inner]), [2, 0, 1])
      : transpose(backend, viewAs(b, [lb.batch, inner, lb.cols]), [1, 0, 2]);
    const a3 = asRowMajor3d(backend, a, transposeA, la);
    const wide = batchMatMul(backend, a3.info, viewAs(bSideBySide, [1, inner, lb.batch * lb.cols]));
    const out = transpose(backend, viewAs(wide, [la.rows, lb.batch, lb.cols]), [1, 0, 2]);
    release(backend, bSideBySide, wide, a3.owned ? a3.info : null);
    return { out: viewAs(out, outShape), fusedEpilogue: false };
  }

  // Batches on both sides: one fast GEMM per output matrix.
  const a3 = asRowMajor3d(backend, a, transposeA, la);
  const b3 = asRowMajor3d(backend, b, transposeB, lb);
  const out = backend.makeOutput(outShape, 'float32');
  const matrixSize = la.rows * lb.cols;
  const outBatchStrides = tf.util.computeStrides(outBatchShape);
  const outBatch = tf.util.sizeFromShape(outBatchShape);
  for (let index = 0; index < outBatch; index++) {
    const outIndex = tf.util.indexToLoc(index, outBatchShape.length, outBatchStrides);
    const aIndex = broadcastBatchIndex(outIndex, la.batchShape);
    const bIndex = broadcastBatchIndex(outIndex, lb.batchShape);
    const aMatrix = copyRange(backend, a3.info, aIndex * la.rows * inner, [1, la.rows, inner]);
    const bMatrix = copyRange(backend, b3.info, bIndex * inner * lb.cols, [1, inner, lb.cols]);
    const product = batchMatMul(backend, aMatrix, bMatrix);
    // Views of the heap go stale when it grows, so take them after the kernel ran.
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(product), index * matrixSize);
    release(backend, aMatrix, bMatrix, product);
  }
  release(backend, a3.owned ? a3.info : null, b3.owned ? b3.info : null);
  return { out, fusedEpilogue: false };
}
