import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { DeepArcSlicer } from './deeparc-slicer';

export { DeepArcSlicer } from './deeparc-slicer';
export {
  ckaFromJointCrossProduct,
  consecutiveLayerSimilarities,
  layerFeatureWidth,
  MAX_FULL_CROSS_PRODUCT_ENTRIES,
  unbiasedCenteredGram,
} from './layer-similarity';
export { type LayerSimilarity, redundantLayers, splitIntoModules } from './modules';
export {
  type CkaEstimator,
  DEEPARC_DEFAULTS,
  type DeepArcOptions,
  type LayerFeatureKind,
  parseDeepArcOptions,
} from './options';

const name = '@neusemslice/slicer-deeparc';

/** Registers the `deeparc` slicer (the layer-level DeepArc baseline). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'slicer', new DeepArcSlicer(), name);
  },
};

export default plugin;
