import { provide, type NeuSemSlicePlugin } from '@neusemslice/core';
import { wasmBackend } from './wasm-backend';

export { createWasmBackend, wasmBackend, type WasmBackendOptions } from './wasm-backend';
export {
  areExtraWasmKernelsRegistered,
  extraWasmKernels,
  registerExtraWasmKernels,
} from './register-all-kernels';
export type { ExtraWasmKernel } from './kernel-support/kernel-replacement';

const PLUGIN_NAME = '@neusemslice/backend-wasm';

/** Registers the `wasm` backend (priority 200). */
const plugin: NeuSemSlicePlugin = {
  name: PLUGIN_NAME,
  register(container) {
    provide(container, 'backend', wasmBackend, PLUGIN_NAME);
  },
};

export default plugin;
