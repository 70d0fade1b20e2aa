import type { Metric, MetricOptions, ScoresPerLayer } from '../contracts/metric';
import { indicesByClass, type LabeledDataset } from '../data/labeled-dataset';
import type { NeuronModel } from '../model/neuron-model';

/**
 * Scores of a metric on each category's samples D_c (SPEC §3 category-wise and semantic
 * slicing): one pass per category over that category's subset, so every sample is seen once.
 * Categories without samples are left out.
 */
export async function scorePerCategory(
  metric: Metric,
  model: NeuronModel,
  data: LabeledDataset,
  options: Omit<MetricOptions, 'category'>,
): Promise<Map<number, ScoresPerLayer>> {
  const scores = new Map<number, ScoresPerLayer>();
  const byClass = indicesByClass(data);
  for (let category = 0; category < byClass.length; category++) {
    if (byClass[category].length === 0) continue;
    const categoryData = data.subset(byClass[category], `${data.name}/class-${category}`);
    scores.set(category, await metric.score(model, categoryData, { ...options, category }));
  }
  return scores;
}

/** Neuron indices of a layer ranked by score, highest first (ties by index, for determinism). */
export function rankNeurons(scores: Float64Array): number[] {
  return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
}
