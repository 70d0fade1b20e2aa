import { describeBackendContract } from '@neusemslice/backend-cpu/testing';
import { describeNativeBackend } from '@neusemslice/backend-node/testing';
import plugin, { createTfjsNodeGpuBackend, TFJS_NODE_GPU_PACKAGE } from './index';

// @tensorflow/tfjs-node-gpu is not installed where these tests run (its install script downloads
// libtensorflow), so the contract is checked for the not-installed case.
describeBackendContract(plugin, {
  name: 'tfjs-node-gpu',
  priority: 400,
  installed: false,
  requiredPackage: '@tensorflow/tfjs-node-gpu',
});

describeNativeBackend(createTfjsNodeGpuBackend, {
  name: 'tfjs-node-gpu',
  packageName: '@tensorflow/tfjs-node-gpu',
  exportedPackageName: TFJS_NODE_GPU_PACKAGE,
  loadError: 'libcudart.so.11.0: cannot open shared object file',
});
