import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { FgsmAttack } from './fgsm-attack';

export { FgsmAttack } from './fgsm-attack';

const name = '@neusemslice/attack-fgsm';

/** Registers the `fgsm` attack. */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'attack', new FgsmAttack(), name);
  },
};

export default plugin;
