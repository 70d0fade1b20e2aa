import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { SemanticSlicer } from './semantic-slicer';

export { SemanticSlicer, type PrefixDiagnostics } from './semantic-slicer';
export {
  type ChosenPrefix,
  flattenedGramProducts,
  gramProductsOfCrossProduct,
  similarityCurve,
  smallestPrefix,
} from './similarity-scan';
export {
  featurePositions,
  MAX_FLATTENED_CROSS_PRODUCT_ENTRIES,
  NeuronGramAccumulator,
  neuronGramProducts,
} from './neuron-gram-products';
export { type CategoryPass, categoryPass } from './category-passes';
export {
  checkTheta,
  type NeuronFeatureKind,
  parseSemanticOptions,
  SEMANTIC_DEFAULTS,
  type SemanticOptions,
} from './options';

const name = '@neusemslice/slicer-semantic';

/** Registers the `semantic` slicer (the paper's method). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'slicer', new SemanticSlicer(), name);
  },
};

export default plugin;
