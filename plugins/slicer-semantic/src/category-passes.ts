import {
  indicesByClass,
  type ItemTask,
  resolveThreads,
  runItemsInParallel,
  type ScoresPerLayer,
  type SliceRequest,
} from '@neusemslice/core';
import { neuronGramProducts } from './neuron-gram-products';
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
}

/**
 * The Θ-free work of one category: the metric's scores on D_c, then the Gram products of D_c's
 * features. Runs in the main thread or a worker, with the same batches either way.
 */
export const semanticCategoryTask: ItemTask<CategoryPassInput, CategoryPass> = {
  module: __filename,
  exportName: 'semanticCategoryTask',
  run: async ({ model, data, category, metric, input }) => {
    if (!metric) throw new Error('semanticCategoryTask: the run has no metric');
    const scores = await metric.score(model, data, { batchSize: input.batchSize, category });
    const gramProducts = await neuronGramProducts(model, data, {
      features: input.features,
      centered: input.centered,
      batchSize: input.batchSize,
      task: `slice semantic: features of class ${category}`,
    });
    return { scores, gramProducts };
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
    metric: request.metric,
    input: { batchSize, features: options.features, centered: options.centered },
    batchSize,
    owner: 'slicer-semantic',
    onItemDone: (done, total) => request.onProgress?.({ task: 'slice semantic', done, total }),
  });
  return new Map(categories.map((category, item) => [category, results[item]]));
}
