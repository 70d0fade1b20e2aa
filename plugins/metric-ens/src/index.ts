import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { EnsMetric } from './ens-metric';

export { EnsMetric, minMaxNormalise } from './ens-metric';

const name = '@neusemslice/metric-ens';

/** Registers the `ens` contribution metric. */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'metric', new EnsMetric(), name);
  },
};

export default plugin;
