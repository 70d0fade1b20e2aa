import {
  indicesByClass,
  type ItemTask,
  type LabeledDataset,
  type Metric,
  type NeuronModel,
  type ProgressListener,
  resolveThreads,
  runItemsInParallel,
  type ScoresPerLayer,
  type SliceRequest,
} from '@neusemslice/core';
import { NeuronGramAccumulator, neuronGramProducts } from './neuron-gram-products';
import type { SemanticOptions } from './options';

/** What one category's pass needs besides the model, the metric and the samples. */
export interface CategoryPassInput {
  batchSize: number;
  features: SemanticOptions['features'];
  centered: boolean;
}

/** One category's metric scores and neuron Gram products (layer name → units × units). */
export interface CategoryPass {
  scores: ScoresPerLayer;
  gramProducts: Map<string, Float64Array>;
  /**
   * Where the Gram products' neuron outputs came from: the metric's own forward pass (`metric`,
   * one pass in all) or a second pass of the slicer's (`own-pass`, for metrics that do not hand
   * their outputs over through `onNeuronOutputs`).
   */
  gramSource: 'metric' | 'own-pass';
}

/**
 * One category's scores and Gram products in a single pass when the metric supports it: the
 * metric's forward outputs feed the Gram accumulators through `onNeuronOutputs`, with the same
 * batches a separate pass would use, so the products are the same (up to the float32 rounding
 * of the metric's forward, e.g. a tape's unfused bias and activation). When the metric handed over
 * anything but exactly `data.size` samples, the slicer makes its own pass instead.
 */
export async function categoryPass(
  model: NeuronModel,
  data: LabeledDataset,
  metric: Metric,
  category: number | undefined,
  input: CategoryPassInput & { onProgress?: ProgressListener },
): Promise<CategoryPass> {
  const options = { features: input.features, centered: input.centered };
  const gramAccumulator = new NeuronGramAccumulator(model, options);
  let scores: ScoresPerLayer;
  try {
    scores = await metric.score(model, data, {
      batchSize: input.batchSize,
      category,
      onProgress: input.onProgress,
      onNeuronOutputs: gramAccumulator.add,
    });
    if (gramAccumulator.covers(data.size)) {
      return { scores, gramProducts: gramAccumulator.products(), gramSource: 'metric' };
    }
  } finally {
    gramAccumulator.dispose(); // its tensors; the float64 sums go with the object
  }
  const gramProducts = await neuronGramProducts(model, data, {
    ...options,
    batchSize: input.batchSize,
    task: `slice semantic: features of class ${category}`,
    onProgress: input.onProgress,
  });
  return { scores, gramProducts, gramSource: 'own-pass' };
}

/**
 * The Θ-free work of one category (`categoryPass`): the metric's scores on D_c and the Gram
 * products of D_c's features. Runs in the main thread or a worker, with the same batches either way.
 */
export const semanticCategoryTask: ItemTask<CategoryPassInput, CategoryPass> = {
  module: __filename,
  exportName: 'semanticCategoryTask',
  run: async ({ model, data, category, metric, input }) => {
    if (!metric) throw new Error('semanticCategoryTask: the run has no metric');
    return categoryPass(model, data, metric, category, input);
  },
};

/** Threads a slice request asks for: `workers` (checked), else the default for its data size. */
export function slicingThreads(request: SliceRequest): number {
  const categories = indicesByClass(request.data).filter((indices) => indices.length > 0).length;
  return resolveThreads('slicer-semantic', request, request.data.size, categories);
}

/**
 * Every category's scores and Gram products, the categories shared among `threads` threads (the
 * main thread and workers, largest category first). Each category is computed whole by one
 * thread, so the result equals the single-thread one exactly.
 */
export async function parallelCategoryPasses(
  request: SliceRequest,
  options: SemanticOptions,
  batchSize: number,
  threads: number,
): Promise<Map<number, CategoryPass>> {
  const byClass = indicesByClass(request.data);
  const categories = byClass.flatMap((indices, category) => (indices.length > 0 ? [category] : []));
  const results = await runItemsInParallel(semanticCategoryTask, {
    model: request.model,
    data: request.data,
    items: categories.map((category) => ({ indices: byClass[category], category })),
    threads,
    workerPlugins: request.workerPlugins,
    pool: request.workerPool,
    metric: request.metric,
    input: { batchSize, features: options.features, centered: options.centered },
    batchSize,
    owner: 'slicer-semantic',
    onItemDone: (done, total) => request.onProgress?.({ task: 'slice semantic', done, total }),
  });
  return new Map(categories.map((category, item) => [category, results[item]]));
}
