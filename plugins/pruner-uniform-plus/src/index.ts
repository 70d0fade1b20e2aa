import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { UniformPlusPruner } from './uniform-plus-pruner';

export { DEFAULT_LAST_LAYER_MAX_SPARSITY, UniformPlusPruner } from './uniform-plus-pruner';
export { uniformPlusPruneCounts, type UniformPlusLayers } from './uniform-plus-allocation';

const name = '@neusemslice/pruner-uniform-plus';

/** Registers the `uniform-plus` pruner (uniform sparsity, first conv dense, last layer capped). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'pruner', new UniformPlusPruner(), name);
  },
};

export default plugin;
