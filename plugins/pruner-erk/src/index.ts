import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { ErkPruner } from './erk-pruner';

export { ErkPruner } from './erk-pruner';
export { erkPruneCounts, erkWeight } from './erk-allocation';

const name = '@neusemslice/pruner-erk';

/** Registers the `erk` pruner (Erdős–Rényi-kernel layer densities, magnitude within layers). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'pruner', new ErkPruner(), name);
  },
};

export default plugin;
