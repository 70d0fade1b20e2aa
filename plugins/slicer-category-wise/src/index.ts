import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { CategoryWiseSlicer } from './category-wise-slicer';

export { CategoryWiseSlicer } from './category-wise-slicer';

const name = '@neusemslice/slicer-category-wise';

/** Registers the `category-wise` slicer (top k% per category and layer, union over categories). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'slicer', new CategoryWiseSlicer(), name);
  },
};

export default plugin;
