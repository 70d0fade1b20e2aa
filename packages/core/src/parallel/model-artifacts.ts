import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';

/** A model's topology and float32 weights in memory, to rebuild it in another thread. */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured) throw new Error(`model '${model.name}' saved no artifacts`);
  return captured;
}

/** The model `modelArtifacts` captured, loaded again (same layer names, same weights). */
export function loadModelFromArtifacts(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

/**
 * A content key of a model's artifacts: SHA-256 of its topology, weight specs and weight bytes.
 * Equal keys mean the same layers and the same weights, so a worker that already holds the model
 * under this key need not be sent it again; any change to a weight changes the key.
 */
export function modelArtifactsKey(artifacts: tf.io.ModelArtifacts): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(artifacts.modelTopology ?? null));
  hash.update(JSON.stringify(artifacts.weightSpecs ?? []));
  const weightData = artifacts.weightData;
  const buffers =
    weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData];
  for (const buffer of buffers) hash.update(new Uint8Array(buffer));
  return hash.digest('hex');
}
