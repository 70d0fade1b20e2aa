import { provide, type NeuSemSlicePlugin } from '@neusemslice/core';
import { tfjsNodeBackend } from './tfjs-node-backend';

export {
  createTfjsNodeBackend,
  tfjsNodeBackend,
  TFJS_NODE_PACKAGE,
  type TfjsNodeBackendOptions,
} from './tfjs-node-backend';
export { nodePackageLoader, type PackageLoader } from './package-loader';
export { createNativeBackend, type NativeBackendSpec } from './native-backend';

const PLUGIN_NAME = '@neusemslice/backend-node';

/** Registers the `tfjs-node` backend (priority 300), used where @tensorflow/tfjs-node is installed. */
const plugin: NeuSemSlicePlugin = {
  name: PLUGIN_NAME,
  register(container) {
    provide(container, 'backend', tfjsNodeBackend, PLUGIN_NAME);
  },
};

export default plugin;
