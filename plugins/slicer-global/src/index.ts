import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { GlobalSlicer } from './global-slicer';

export { GlobalSlicer } from './global-slicer';

const name = '@neusemslice/slicer-global';

/** Registers the `global` slicer (top k% per layer on the whole data set). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'slicer', new GlobalSlicer(), name);
  },
};

export default plugin;
