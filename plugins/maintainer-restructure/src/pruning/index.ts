// Iterative weight pruning within a slice (SPEC §4, paper Table 4) and the `prune` maintainer.
export { PruneMaintainer, type PruneMaintainerOptions } from './prune-maintainer';
export {
  iterativePrune,
  type IterativePruneOptions,
  type IterativePruneResult,
  checkPruneSettings,
  type PruneIterationRecord,
  type PruneSettingOptions,
  type PruneSettings,
  type PruneStopReason,
  type RestructureFunction,
} from './iterative-prune';
export {
  checkFineTuneOptions,
  DEFAULT_FINE_TUNE,
  drawSamples,
  type FineTuneOptions,
  fineTuneWithMasks,
} from './fine-tune';
export { fullSlice, keepsEveryNeuron } from './full-slice';
export { cloneModel, parameterCount } from './clone-model';
export {
  aliveWeightCount,
  mergePrunerMasks,
  type PrunableKernel,
  prunableKernels,
  prunableWeightCount,
  readPrunableWeights,
  sliceAliveMasks,
  type WeightMasks,
  zeroDeadWeights,
} from './prunable-weights';
