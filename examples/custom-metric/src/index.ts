// The package entry: `--plugin ./examples/custom-metric` (or the package name) loads this default export.
export { default, MaxActivationMetric } from './max-activation-metric';
