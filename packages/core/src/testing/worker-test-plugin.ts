// A plugin module for tests of worker threads: workers load it by path and register the pure-JS
// cpu backend and the test metric `mean-activation` from it.
import * as tf from '@tensorflow/tfjs';
import { type NeuSemSlicePlugin, provide } from '../plugin';
import { MeanActivationMetric } from './mean-activation-metric';

/** Path of this module, for `workerPlugins` in tests. */
export const WORKER_TEST_PLUGIN_MODULE = __filename;

const name = 'worker-test-plugin';

const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(
      container,
      'backend',
      {
        name: 'cpu',
        priority: 0,
        isAvailable: () => true,
        activate: async () => {
          await tf.setBackend('cpu');
        },
      },
      name,
    );
    provide(container, 'metric', new MeanActivationMetric(), name);
  },
};

export default plugin;
