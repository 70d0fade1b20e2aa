import type { Metric, MetricOptions, ScoresPerLayer } from '../contracts/metric';
import { indicesByClass, type LabeledDataset } from '../data/labeled-dataset';
import type { NeuronModel } from '../model/neuron-model';
import type { ItemTask } from '../parallel/item-task';
import {
  type ParallelOptions,
  resolveThreads,
  runItemsInParallel,
} from '../parallel/run-in-parallel';

/** Options of one category's metric pass, as a worker receives them. */
type CategoryScoreInput = Omit<MetricOptions, 'category' | 'onProgress'>;

/** Scores of the run's metric on one category's samples; the same code in every thread. */
export const scoreCategoryTask: ItemTask<CategoryScoreInput, ScoresPerLayer> = {
  module: __filename,
  exportName: 'scoreCategoryTask',
  run: async ({ model, data, category, metric, input }) => {
    if (!metric) throw new Error('scoreCategoryTask: the run has no metric');
    return metric.score(model, data, { ...input, category });
  },
};

/**
 * Scores of a metric on each category's samples D_c (SPEC §3 category-wise and semantic
 * slicing): one pass per category over that category's subset, so every sample is seen once.
 * Categories without samples are left out.
 *
 * With `workers` > 1 the categories are shared among the main thread and worker threads; each
 * category is still scored whole by one thread with the same batches, so the scores equal the
 * single-thread ones exactly (any metric, as the metric's statistic is opaque here).
 */
export async function scorePerCategory(
  metric: Metric,
  model: NeuronModel,
  data: LabeledDataset,
  options: Omit<MetricOptions, 'category'> & ParallelOptions,
): Promise<Map<number, ScoresPerLayer>> {
  const scores = new Map<number, ScoresPerLayer>();
  const byClass = indicesByClass(data);
  const categories = byClass.flatMap((indices, category) => (indices.length > 0 ? [category] : []));
  const threads = resolveThreads('scorePerCategory', options, data.size, categories.length);
  if (threads > 1) {
    const results = await runItemsInParallel(scoreCategoryTask, {
      model,
      data,
      items: categories.map((category) => ({ indices: byClass[category], category })),
      threads,
      workerPlugins: options.workerPlugins,
      pool: options.workerPool,
      metric,
      input: { batchSize: options.batchSize },
      batchSize: options.batchSize,
      owner: 'scorePerCategory',
      onItemDone: (done, total) =>
        options.onProgress?.({ task: `score ${metric.name} per category`, done, total }),
    });
    categories.forEach((category, item) => scores.set(category, results[item]));
    return scores;
  }
  for (const category of categories) {
    const categoryData = data.subset(byClass[category], `${data.name}/class-${category}`);
    scores.set(category, await metric.score(model, categoryData, { ...options, category }));
  }
  return scores;
}

/** Neuron indices of a layer ranked by score, highest first (ties by index, for determinism). */
export function rankNeurons(scores: Float64Array): number[] {
  return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
}
