import * as tf from '@tensorflow/tfjs';

/**
 * The seed of one layer's weights, mixed from the model seed and the layer's name (FNV-1a, then
 * a murmur3 finaliser). Keying on the name, not the build order, keeps a layer's initial weights
 * unchanged when layers are added elsewhere in the model.
 */
export function layerSeed(modelSeed: number, layerName: string): number {
  let hash = 0x811c9dc5 ^ Math.imul(modelSeed >>> 0, 0x9e3779b1);
  for (let index = 0; index < layerName.length; index++) {
    hash = Math.imul(hash ^ layerName.charCodeAt(index), 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** A tfjs-layers initialiser (the class is not exported under a short name). */
export type Initializer = ReturnType<typeof tf.initializers.heNormal>;

/** Seeded kernel initialisers; biases and batch-norm parameters use tfjs's constant defaults. */
export class SeededInitializers {
  constructor(private readonly modelSeed: number) {}

  /** He normal (truncated), for kernels followed by ReLU. */
  heNormal(layerName: string): Initializer {
    return tf.initializers.heNormal({ seed: layerSeed(this.modelSeed, layerName) });
  }

  /** Glorot uniform, Keras's default for dense kernels. */
  glorotUniform(layerName: string): Initializer {
    return tf.initializers.glorotUniform({ seed: layerSeed(this.modelSeed, layerName) });
  }
}
