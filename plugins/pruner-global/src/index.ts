import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { GlobalMagnitudePruner } from './global-magnitude-pruner';

export { GlobalMagnitudePruner } from './global-magnitude-pruner';

const name = '@neusemslice/pruner-global';

/** Registers the `global` pruner (one magnitude threshold over all layers). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'pruner', new GlobalMagnitudePruner(), name);
  },
};

export default plugin;
