import * as tf from '@tensorflow/tfjs';

/**
 * An independent copy of a model (topology and weights, same layer names, so the weights keep
 * their stable names such as `fc1/kernel`), for work that must leave the caller's model untouched.
 */
export async function cloneModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
}
