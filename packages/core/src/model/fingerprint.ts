import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';

/** Identifies a model: its architecture and its exact weights. */
export interface ModelFingerprint {
  /** SHA-256 of the architecture: layer classes, names, connections and configs (not initialisers). */
  topologySha256: string;
  /** SHA-256 of every weight's layer, position, shape and float32 bytes, in layer order. */
  weightsSha256: string;
}

/** Config keys that describe how weights start or are trained, not the architecture. */
const NON_ARCHITECTURE_KEY = /initializer|regularizer|constraint|^trainable$|^seed$/i;

/** Each layer's class, name, inputs and architectural config, in graph order. */
function canonicalTopology(model: tf.LayersModel): unknown[] {
  return model.layers.map((layer) => {
    const config = Object.fromEntries(
      Object.entries(layer.getConfig()).filter(([key]) => !NON_ARCHITECTURE_KEY.test(key)),
    );
    const nodes = (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] })
      .inboundNodes;
    const inputs = nodes.length > 0 ? nodes[0].inboundLayers.map((source) => source.name) : [];
    return { className: layer.getClassName(), name: layer.name, inputs, config };
  });
}

/** Hashes a model's topology and weights (SPEC §1: a slice names the model it came from). */
export function fingerprintModel(model: tf.LayersModel): ModelFingerprint {
  const topology = JSON.stringify(canonicalTopology(model));
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
