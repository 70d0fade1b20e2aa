import { type NeuSemSlicePlugin, registerPlugins } from '@neusemslice/core';
import backendCpu from '@neusemslice/backend-cpu';
import backendNode from '@neusemslice/backend-node';
import backendNodeGpu from '@neusemslice/backend-node-gpu';
import backendWasm from '@neusemslice/backend-wasm';
import metricAvg from '@neusemslice/metric-avg';
import metricDeepLift from '@neusemslice/metric-deeplift';
import metricEns from '@neusemslice/metric-ens';
import metricTaylor from '@neusemslice/metric-taylor';
import metricVar from '@neusemslice/metric-var';
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
];

/** A fresh child container with the CLI's plugins, one per run. */
export function createCliContainer(): DependencyContainer {
  return registerPlugins(container.createChildContainer(), cliPlugins);
}
