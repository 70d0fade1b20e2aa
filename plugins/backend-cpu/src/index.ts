import { provide, type NeuSemSlicePlugin } from '@neusemslice/core';
import { cpuBackend } from './cpu-backend';

export { cpuBackend } from './cpu-backend';

const PLUGIN_NAME = '@neusemslice/backend-cpu';

/** Registers the `cpu` backend (priority 100), the fallback that is always available. */
const plugin: NeuSemSlicePlugin = {
  name: PLUGIN_NAME,
  register(container) {
    provide(container, 'backend', cpuBackend, PLUGIN_NAME);
  },
};

export default plugin;
