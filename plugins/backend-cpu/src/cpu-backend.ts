import * as tf from '@tensorflow/tfjs';
import type { Backend } from '@neusemslice/core';

/**
 * tfjs's pure-JavaScript `cpu` backend: always there (it ships with @tensorflow/tfjs), about 100×
 * slower than wasm on conv nets; the fallback when nothing faster is installed.
 */
export const cpuBackend: Backend = {
  name: 'cpu',
  priority: 100,
  isAvailable: () => true,
  async activate() {
    if (!(await tf.setBackend('cpu'))) {
      throw new Error(`tfjs's cpu backend failed to initialise`);
    }
    await tf.ready();
  },
};
