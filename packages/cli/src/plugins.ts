import { listComponents, type NeuSemSlicePlugin, registerPlugins } from '@neusemslice/core';
import backendCpu from '@neusemslice/backend-cpu';
import backendNode from '@neusemslice/backend-node';
import backendNodeGpu from '@neusemslice/backend-node-gpu';
import backendWasm from '@neusemslice/backend-wasm';
import maintainerRestructure from '@neusemslice/maintainer-restructure';
import attackFgsm from '@neusemslice/attack-fgsm';
import attackPgd from '@neusemslice/attack-pgd';
import maintainerReadapt from '@neusemslice/maintainer-readapt';
import maintainerIncremental from '@neusemslice/maintainer-incremental';
import metricAvg from '@neusemslice/metric-avg';
import metricDeepLift from '@neusemslice/metric-deeplift';
import metricEns from '@neusemslice/metric-ens';
import metricTaylor from '@neusemslice/metric-taylor';
import metricVar from '@neusemslice/metric-var';
import prunerErk from '@neusemslice/pruner-erk';
import prunerGlobal from '@neusemslice/pruner-global';
import prunerLamp from '@neusemslice/pruner-lamp';
import prunerUniformPlus from '@neusemslice/pruner-uniform-plus';
import slicerCategoryWise from '@neusemslice/slicer-category-wise';
import slicerDeepArc from '@neusemslice/slicer-deeparc';
import slicerGlobal from '@neusemslice/slicer-global';
import slicerSemantic from '@neusemslice/slicer-semantic';
import { container, type DependencyContainer } from 'tsyringe';

/** The plugins the CLI ships with; a library user registers only the ones they need. */
export const cliPlugins: readonly NeuSemSlicePlugin[] = [
  backendNodeGpu,
  backendNode,
  backendWasm,
  backendCpu,
  metricAvg,
  metricVar,
  metricEns,
  metricDeepLift,
  metricTaylor,
  slicerGlobal,
  slicerCategoryWise,
  slicerSemantic,
  slicerDeepArc,
  maintainerRestructure,
  prunerLamp,
  prunerGlobal,
  prunerUniformPlus,
  prunerErk,
  attackFgsm,
  attackPgd,
  maintainerReadapt,
  maintainerIncremental,
];

/**
 * Module paths of the CLI's plugins that provide a backend or a metric: what worker threads
 * (parallel slicing) register. Leaving out the rest shortens each worker's start.
 */
export function cliPluginModules(): string[] {
  return cliPlugins
    .filter((plugin) => {
      const scratch = registerPlugins(container.createChildContainer(), [plugin]);
      return (
        listComponents(scratch, 'backend').length > 0 ||
        listComponents(scratch, 'metric').length > 0
      );
    })
    .map((plugin) => require.resolve(plugin.name));
}

/**
 * A fresh child container with the CLI's plugins, one per run, and then the user's own
 * (`--plugin`, the config file); a user plugin reusing a built-in name is refused by core.
 */
export function createCliContainer(
  userPlugins: readonly NeuSemSlicePlugin[] = [],
): DependencyContainer {
  return registerPlugins(container.createChildContainer(), [...cliPlugins, ...userPlugins]);
}
