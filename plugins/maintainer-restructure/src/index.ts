import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { RestructureMaintainer } from './restructure';
import { PruneMaintainer } from './pruning';

export * from './restructure';
export * from './pruning';

const name = '@neusemslice/maintainer-restructure';

/** Registers the `restructure` maintainer (a physically smaller model from a slice). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'maintainer', new RestructureMaintainer(), name);
    provide(container, 'maintainer', new PruneMaintainer(), name);
  },
};

export default plugin;
