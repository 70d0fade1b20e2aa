import { provide, type NeuSemSlicePlugin } from '@neusemslice/core';
import { tfjsNodeGpuBackend } from './tfjs-node-gpu-backend';

export {
  createTfjsNodeGpuBackend,
  tfjsNodeGpuBackend,
  TFJS_NODE_GPU_PACKAGE,
  type TfjsNodeGpuBackendOptions,
} from './tfjs-node-gpu-backend';
export { nodePackageLoader, type PackageLoader } from '@neusemslice/backend-node';

const PLUGIN_NAME = '@neusemslice/backend-node-gpu';

/** Registers the `tfjs-node-gpu` backend (priority 400), used where @tensorflow/tfjs-node-gpu is installed. */
const plugin: NeuSemSlicePlugin = {
  name: PLUGIN_NAME,
  register(container) {
    provide(container, 'backend', tfjsNodeGpuBackend, PLUGIN_NAME);
  },
};

export default plugin;
