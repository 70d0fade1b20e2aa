import {
  evaluateAccuracy,
  indicesByClass,
  type LabeledDataset,
  type NeuronMasks,
  type NeuronModel,
  rankNeurons,
  type ScoresPerLayer,
  UsageError,
} from '@neusemslice/core';

/** A rank band [from, to) as shares of a layer's neurons, e.g. [0.1, 0.2] = the 10%–20% ranks. */
export type Band = readonly [number, number];

export type PilotSetting = 'global' | 'category-wise';

/** Whether accuracy rose or fell against the previous band (the paper's arrows). */
export type Trend = 'up' | 'down' | 'flat';

/** One cell of the paper's Tables 1–3. */
export interface PilotRow {
  metric: string;
  setting: PilotSetting;
  band: Band;
  /** 'all' for the global setting, a class index for Table 3, 'mean' for Table 2's average. */
  category: number | 'all' | 'mean';
  /** Test accuracy with the band's neurons masked in every neuron layer, 0 … 1. */
  accuracy: number;
  /** Neurons masked over all neuron layers. */
  maskedNeurons: number;
  /** Against the previous band of the same metric, setting and category; absent for the first. */
  trend?: Trend;
}

/**
 * The neurons of one layer whose rank falls in the band. Both ends are rounded the same way, so
 * consecutive bands tile the ranking without gap or overlap.
 */
export function bandNeurons(rankedIndices: readonly number[], band: Band): number[] {
  const units = rankedIndices.length;
  return rankedIndices.slice(Math.round(band[0] * units), Math.round(band[1] * units));
}

/** Masks that silence, in every neuron layer, the neurons ranked in the band by these scores. */
export function bandMasks(model: NeuronModel, scores: ScoresPerLayer, band: Band): NeuronMasks {
  const masks: NeuronMasks = {};
  for (const layer of model.neuronLayers) {
    const layerScores = scores[layer.name];
    if (!layerScores || layerScores.length !== layer.units) {
      throw new UsageError(
        `scores for layer '${layer.name}' have ${layerScores?.length ?? 'no'} entries; expected ${layer.units}`,
      );
    }
    const mask = new Float32Array(layer.units).fill(1);
    for (const index of bandNeurons(rankNeurons(layerScores), band)) mask[index] = 0;
    masks[layer.name] = mask;
  }
  return masks;
}

function maskedCount(masks: NeuronMasks): number {
  let count = 0;
  for (const mask of Object.values(masks))
    for (let index = 0; index < mask.length; index++) if (mask[index] === 0) count++;
  return count;
}

/** Sets each row's trend against the previous band of the same metric, setting and category. */
export function withTrends(rows: readonly PilotRow[]): PilotRow[] {
  const previous = new Map<string, number>();
  return rows.map((row) => {
    const key = `${row.metric}\u0000${row.setting}\u0000${row.category}`;
    const before = previous.get(key);
    previous.set(key, row.accuracy);
    if (before === undefined) return { ...row, trend: undefined };
    const trend: Trend = row.accuracy > before ? 'up' : row.accuracy < before ? 'down' : 'flat';
    return { ...row, trend };
  });
}

export interface PilotInput {
  model: NeuronModel;
  metric: string;
  /** The metric's scores on the whole slicing data (Table 1). */
  globalScores: ScoresPerLayer;
  /** The metric's scores on each category's slicing data D_c (Tables 2–3). */
  categoryScores: ReadonlyMap<number, ScoresPerLayer>;
  testData: LabeledDataset;
  bands: readonly Band[];
  batchSize: number;
  /** Called after each masked evaluation, with what was evaluated. */
  onStep?: (task: string) => void;
}

export function bandLabel(band: Band): string {
  const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
  return `${percent(band[0])}→${percent(band[1])}`;
}

/**
 * The pilot study of paper §3.1 for one metric: masks each band of the ranking, globally on the
 * whole test set (Table 1) and per category on that category's test samples (Tables 2–3).
 * Categories without slicing scores or without test samples are left out of the mean.
 */
export async function runPilot(input: PilotInput): Promise<PilotRow[]> {
  const { model, metric, testData, batchSize } = input;
  const rows: PilotRow[] = [];
  for (const band of input.bands) {
    const masks = bandMasks(model, input.globalScores, band);
    const { accuracy } = await evaluateAccuracy(model, testData, { masks, batchSize });
    rows.push({
      metric,
      setting: 'global',
      band,
      category: 'all',
      accuracy,
      maskedNeurons: maskedCount(masks),
    });
    input.onStep?.(`study: ${metric} pilot global ${bandLabel(band)}`);
  }
  const testIndicesByClass = indicesByClass(testData);
  const categories = [...input.categoryScores.keys()]
    .filter((category) => (testIndicesByClass[category]?.length ?? 0) > 0)
    .sort((a, b) => a - b);
  const testDataByClass = new Map(
    categories.map((category) => [
      category,
      testData.subset(testIndicesByClass[category], `${testData.name}/class-${category}`),
    ]),
  );
  for (const band of input.bands) {
    const perCategory: PilotRow[] = [];
    for (const category of categories) {
      const scores = input.categoryScores.get(category) as ScoresPerLayer;
      const masks = bandMasks(model, scores, band);
      const data = testDataByClass.get(category) as LabeledDataset;
      const { accuracy } = await evaluateAccuracy(model, data, { masks, batchSize });
      perCategory.push({
        metric,
        setting: 'category-wise',
        band,
        category,
        accuracy,
        maskedNeurons: maskedCount(masks),
      });
      input.onStep?.(`study: ${metric} pilot category ${category} ${bandLabel(band)}`);
    }
    if (perCategory.length > 0) {
      const mean = perCategory.reduce((sum, row) => sum + row.accuracy, 0) / perCategory.length;
      rows.push({
        metric,
        setting: 'category-wise',
        band,
        category: 'mean',
        accuracy: mean,
        maskedNeurons: perCategory[0].maskedNeurons,
      });
    }
    rows.push(...perCategory);
  }
  return withTrends(rows);
}
