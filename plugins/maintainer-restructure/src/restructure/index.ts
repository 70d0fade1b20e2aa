// Physical restructuring of a model from a slice (SPEC §4.1 b) and the `restructure` maintainer.
export { chainLayers, type ChainLayerRole, SUPPORTED_LAYER_ROLES } from './chain-layers';
export { measureModelSize, type ModelSize } from './model-size';
export { meanFoldBiases, type NeuronMeanOutputs } from './mean-fold';
export {
  checkKeptNeurons,
  checkSliceFitsModel,
  type KeptNeurons,
  restructureFromSlice,
  restructureModel,
} from './restructure-model';
export {
  checkRestructureOptions,
  type RestructureFill,
  RestructureMaintainer,
  type RestructureOptions,
} from './restructure-maintainer';
