import { describeBackendContract } from '@neusemslice/backend-cpu/testing';
import plugin, { createTfjsNodeBackend, TFJS_NODE_PACKAGE } from './index';
import { describeNativeBackend } from './testing';

// @tensorflow/tfjs-node is not installed where these tests run (its install script downloads
// libtensorflow), so the contract is checked for the not-installed case.
describeBackendContract(plugin, {
  name: 'tfjs-node',
  priority: 300,
  installed: false,
  requiredPackage: '@tensorflow/tfjs-node',
});

describeNativeBackend(createTfjsNodeBackend, {
  name: 'tfjs-node',
  packageName: '@tensorflow/tfjs-node',
  exportedPackageName: TFJS_NODE_PACKAGE,
  loadError: 'libtensorflow.so.2: cannot open shared object file',
});
