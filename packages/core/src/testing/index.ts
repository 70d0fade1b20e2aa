// Test fixtures and the contract suites that every plugin runs (import from '@neusemslice/core/testing').
export * from './array-dataset';
export * from './tiny-models';
export * from './contract-suites';
export * from './two-neuron-net';
export * from './mean-activation-metric';
export { WORKER_TEST_PLUGIN_MODULE } from './worker-test-plugin';
export * from './test-container';
export * from './maintainer-contract';
export * from './attack-contract';
export * from './pruner-contract';
