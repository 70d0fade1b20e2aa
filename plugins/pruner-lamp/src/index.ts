import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { LampPruner } from './lamp-pruner';

export { LampPruner } from './lamp-pruner';
export { lampScores } from './lamp-scores';

const name = '@neusemslice/pruner-lamp';

/** Registers the `lamp` pruner (layer-adaptive magnitude pruning, Lee et al. 2020). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'pruner', new LampPruner(), name);
  },
};

export default plugin;
