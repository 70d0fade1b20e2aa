import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { AvgMetric } from './avg-metric';

export { AvgMetric } from './avg-metric';

const name = '@neusemslice/metric-avg';

/** Registers the `avg` contribution metric. */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'metric', new AvgMetric(), name);
  },
};

export default plugin;
