// tsyringe needs the Reflect metadata polyfill before any decorated class loads; importing it
// here first means no user ever has to (nor sees "tsyringe requires a reflect polyfill").
import 'reflect-metadata';
// Contracts and tokens
export * from './contracts/attack';
export * from './contracts/backend';
export * from './contracts/maintainer';
export * from './contracts/metric';
export * from './contracts/pruner';
export * from './contracts/slicer';
export * from './contracts/tokens';
export * from './plugin';
// The root container of core's own tsyringe, so an app registers plugins without installing
// (and possibly duplicating) tsyringe itself: registerPlugins(container.createChildContainer(), …).
export { container } from 'tsyringe';
export * from './backend-resolver';
// Data streaming
export * from './data/labeled-dataset';
export * from './data/stream';
// The neuron view of a model
export * from './model/graph-executor';
export { type Layer } from './model/graph';
export * from './model/supported-layers';
export * from './model/neuron-model';
export * from './model/fingerprint';
export * from './model/parameter-layout';
export * from './model/evaluate';
export * from './model/clone-model';
// Slices
export * from './slice/slice';
export * from './slice/slice-file';
export * from './slice/neuron-set-codec';
export * from './slice/random-slice';
// Statistics
export * from './stats/cka';
export * from './stats/cross-moment-accumulator';
export * from './stats/mean-std';
export * from './stats/moments';
export * from './metrics/score-per-category';
export * from './metrics/top-neurons';
export * from './metrics/neuron-output-moments';
export * from './metrics/check-metric-input';
export * from './metrics/check-layer-scores';
export * from './metrics/keep-ratio-sweep';
// Data-parallel work over worker threads (metric and Gram passes)
export * from './parallel';
// Weight pruning: request checks, counts, lowest-score selection (pruner plugins hold the rules)
export * from './pruning';
// Adversarial attacks: option checking, projection, robust accuracy
export * from './attacks';
// Pipeline and utilities
export * from './pipeline/pipeline';
export * from './errors';
export * from './progress';
export * from './io/atomic-write';
export * from './io/atomic-directory';
export * from './io/output-lock';
