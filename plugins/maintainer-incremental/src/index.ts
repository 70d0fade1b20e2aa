import { type NeuSemSlicePlugin, provide } from '@neusemslice/core';
import { IncrementalMaintainer } from './incremental-maintainer';

export { IncrementalMaintainer, replayBufferBytes } from './incremental-maintainer';
export {
  INCREMENTAL_DEFAULTS,
  INCREMENTAL_STRATEGIES,
  type IncrementalOptions,
  type IncrementalStrategy,
  checkDisjointTasks,
  defaultTaskSplit,
  parseClassList,
  parseIncrementalOptions,
} from './options';
export { type EwcAnchor, ewcPenalty, fisherAnchors, fisherBytes, disposeAnchors } from './ewc';
export { type TaskAccuracy, taskAccuracy } from './task-accuracy';
export { type TrainableMasks, type TrainableSelection, trainableMasks } from './trainable-masks';

const name = '@neusemslice/maintainer-incremental';

/** Registers the `incremental` maintainer (learn task B without forgetting task A). */
const plugin: NeuSemSlicePlugin = {
  name,
  register(container) {
    provide(container, 'maintainer', new IncrementalMaintainer(), name);
  },
};

export default plugin;
