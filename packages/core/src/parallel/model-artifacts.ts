import * as tf from '@tensorflow/tfjs';

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
