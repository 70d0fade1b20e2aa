import { gzipSync } from 'node:zlib';
import type * as tf from '@tensorflow/tfjs';

/** How big a model's weights are: in parameters, float32 bytes and gzip-compressed bytes. */
export interface ModelSize {
  /** Every weight entry, trainable or not (batch-norm moving statistics included). */
  parameters: number;
  /** parameters × 4: the float32 weights file tfjs writes. */
  weightsBytes: number;
  /** The weight bytes, in layer order, compressed with gzip (zlib's default level). */
  gzipBytes: number;
}

/** Measures a model's weights (reads them from the backend once). */
export function measureModelSize(model: tf.LayersModel): ModelSize {
  const chunks: Uint8Array[] = [];
  let parameters = 0;
  for (const weight of model.weights) {
    const values = weight.read().dataSync() as Float32Array;
    parameters += values.length;
    chunks.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  const bytes = Buffer.concat(chunks);
  return { parameters, weightsBytes: bytes.byteLength, gzipBytes: gzipSync(bytes).byteLength };
}
