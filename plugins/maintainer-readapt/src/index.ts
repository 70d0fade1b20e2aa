import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { ReadaptMaintainer } from './readapt-maintainer';

export { ReadaptMaintainer } from './readapt-maintainer';
export {
  parseReadaptOptions,
  READAPT_ATTACKS,
  READAPT_DEFAULTS,
  READAPT_STRATEGIES,
  type ReadaptAttack,
  type ReadaptOptions,
  type ReadaptStrategy,
} from './options';
export { trainedParameters, type TrainedParameters } from './trained-parameters';
export { blockSimilarities, type BlockSimilarity } from './block-similarity';

const name = '@neusemslice/maintainer-readapt';

/** Registers the `readapt` maintainer (adversarial re-adaptation, paper §4.2). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'maintainer', new ReadaptMaintainer(), name);
  },
};

export default plugin;
