import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { DeepLiftMetric, GradientTimesDeltaMetric } from './attribution-metric';

export { DeepLiftMetric, GradientTimesDeltaMetric, meanAttributions } from './attribution-metric';
export { layerAttributions, type MultiplierRule } from './layer-attributions';
export { rescaled, RESCALE_EPSILON } from './rescale';
export { splitNonlinearity, type SplitLayer } from './nonlinearity';
export { ZeroReference, type NonlinearityReference } from './zero-reference';

const name = '@neusemslice/metric-deeplift';

/** Registers the `deeplift` metric and its cheaper, differently named cousin `gradient-x-delta`. */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'metric', new DeepLiftMetric(), name);
    provide(container, 'metric', new GradientTimesDeltaMetric(), name);
  },
};

export default plugin;
