import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';

/** Identifies a model: its architecture and its exact weights. */
export interface ModelFingerprint {
  /** SHA-256 of the layer configuration (names, classes, shapes, activations). */
  topologySha256: string;
  /** SHA-256 of every weight's layer, position, shape and float32 bytes, in layer order. */
  weightsSha256: string;
}

/** Hashes a model's topology and weights (SPEC §1: a slice names the model it came from). */
export function fingerprintModel(model: tf.LayersModel): ModelFingerprint {
  const topology = JSON.stringify(model.toJSON(undefined, false));
  const topologySha256 = createHash('sha256').update(topology).digest('hex');
  const weightsHash = createHash('sha256');
  // Variable names are made unique per process by tfjs (a second load gets `_1` suffixes), so
  // weights are identified by their layer's name and position instead.
  for (const layer of model.layers) {
    layer.weights.forEach((weight, position) => {
      const values = weight.read().dataSync() as Float32Array;
      weightsHash.update(`${layer.name}[${position}]:${weight.shape.join('x')};`);
      weightsHash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    });
  }
  return { topologySha256, weightsSha256: weightsHash.digest('hex') };
}
