import { provide, type NeuSemSlicePlugin } from '@neusemslice/core';
import { tfjsNodeBackend } from './tfjs-node-backend';

export {
  createTfjsNodeBackend,
  tfjsNodeBackend,
  TFJS_NODE_PACKAGE,
  type TfjsNodeBackendOptions,
} from './tfjs-node-backend';
export { nodePackageLoader, type PackageLoader } from './package-loader';

const PLUGIN_NAME = '@neusemslice/backend-node';

/** Registers the `tfjs-node` backend (priority 300), used where @tensorflow/tfjs-node is installed. */
const plugin: NeuSemSlicePlugin = {
  name: PLUGIN_NAME,
  register(container) {
    provide(container, 'backend', tfjsNodeBackend, PLUGIN_NAME);
  },
};

export default plugin;
