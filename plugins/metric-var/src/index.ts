import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { VarMetric } from './var-metric';

export { VarMetric } from './var-metric';

const name = '@neusemslice/metric-var';

/** Registers the `var` contribution metric. */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'metric', new VarMetric(), name);
  },
};

export default plugin;
