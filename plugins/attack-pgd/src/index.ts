import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { PgdAttack } from './pgd-attack';

export { PgdAttack } from './pgd-attack';

const name = '@neusemslice/attack-pgd';

/** Registers the `pgd` attack. */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'attack', new PgdAttack(), name);
  },
};

export default plugin;
