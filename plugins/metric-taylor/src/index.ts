import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { TaylorMetric } from './taylor-metric';

export { TaylorMetric } from './taylor-metric';
export { gateGradients } from './gate-gradients';

const name = '@neusemslice/metric-taylor';

/** Registers the `taylor` contribution metric. */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'metric', new TaylorMetric(), name);
  },
};

export default plugin;
