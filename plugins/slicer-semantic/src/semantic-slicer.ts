import {
  checkInteger,
  checkLayerScores,
  createSlice,
  indicesByClass,
  type NeuronModel,
  rankNeurons,
  type ScoresPerLayer,
  type Slice,
  type Slicer,
  type SliceRequest,
  UsageError,
  unionOfCategories,
} from '@neusemslice/core';
import { layerBudgetCombination } from './combine-categories';
import { categoryPass, parallelCategoryPasses, slicingThreads } from './category-passes';
import { checkTheta, parseSemanticOptions, type SemanticOptions } from './options';
import { type ChosenPrefix, similarityCurve, smallestPrefix } from './similarity-scan';

const DEFAULT_BATCH_SIZE = 128;

/** One category's scan of one layer: its neurons by score, best first, and the CKA of each prefix. */
interface LayerScan {
  rankedOrder: Int32Array;
  curve: Float64Array;
}

/** Layer name → scan, per category. */
type ScansPerCategory = Map<number, Map<string, LayerScan>>;

/** Each layer's neurons ranked by score and the CKA of every prefix, for one category. */
function layerScansOf(
  model: NeuronModel,
  scores: ScoresPerLayer,
  gramProducts: Map<string, Float64Array>,
): Map<string, LayerScan> {
  const layerScans = new Map<string, LayerScan>();
  for (const layer of model.neuronLayers) {
    const rankedOrder = Int32Array.from(rankNeurons(scores[layer.name]));
    const curve = similarityCurve(
      gramProducts.get(layer.name) as Float64Array,
      layer.units,
      rankedOrder,
    );
    layerScans.set(layer.name, { rankedOrder, curve });
  }
  return layerScans;
}

/**
 * What a semantic slice records beside its sets, in `slice.options.prefixes`: for each category
 * and layer, the prefix Algorithm 1 stopped at and its CKA with the whole layer.
 */
export type PrefixDiagnostics = Record<number, Record<string, ChosenPrefix>>;

/**
 * Semantic slicing (paper §3.3, Algorithm 1): for every category c and layer l, the smallest prefix
 * of the neurons ranked by their score on D_c whose embedding landscape has CKA ≥ Θ with the whole
 * layer's; Ω^l is, by default, the union over categories (`combine: 'union'`, Algorithm 1) or a
 * per-layer budget of as many neurons as the largest category prefix (`layerBudgetCombination`). Exact (every prefix is scored) in O(N²) per layer and
 * category once the cross-product of the features is known.
 */
export class SemanticSlicer implements Slicer {
  readonly name = 'semantic';
  readonly description =
    'Per category and layer, the smallest top-ranked prefix of neurons whose CKA with the whole layer reaches theta; combined over categories by their union (default) or a per-layer budget';
  readonly sweepOption = 'theta';

  async slice(request: SliceRequest): Promise<Slice> {
    const options = parseSemanticOptions(request.options);
    const scans = await this.scan(request, options);
    return this.sliceAt(request, options, options.theta, scans);
  }

  /** One slice per Θ in `thetas`, all from a single scan per category and layer. */
  async sweep(request: SliceRequest, thetas: readonly number[]): Promise<Slice[]> {
    const options = parseSemanticOptions(request.options);
    if (thetas.length === 0)
      throw new UsageError('slicer-semantic: sweep needs at least one theta');
    thetas.forEach((theta, index) => checkTheta(theta, `theta #${index + 1} of the sweep`));
    const scans = await this.scan(request, options);
    return thetas.map((theta) => this.sliceAt(request, options, theta, scans));
  }

  /** Scores and similarity curves of every category and layer: the expensive, Θ-free part. */
  private async scan(request: SliceRequest, options: SemanticOptions): Promise<ScansPerCategory> {
    const { model, data, metric, onProgress } = request;
    const batchSize = checkInteger('batchSize', request.batchSize ?? DEFAULT_BATCH_SIZE);
    if (data.size === 0) {
      throw new UsageError(
        `slicer-semantic: data set '${data.name}' is empty; slicing needs samples`,
      );
    }
    const threads = slicingThreads(request);
    if (threads > 1) {
      const passes = await parallelCategoryPasses(request, options, batchSize, threads);
      const parallelScans: ScansPerCategory = new Map();
      for (const [category, { scores, gramProducts }] of passes) {
        checkLayerScores(metric.name, model, scores);
        parallelScans.set(category, layerScansOf(model, scores, gramProducts));
      }
      return parallelScans;
    }
    const byClass = indicesByClass(data);
    const categories = byClass.flatMap((indices, category) =>
      indices.length > 0 ? [category] : [],
    );
    const scans: ScansPerCategory = new Map();
    let categoriesDone = 0;
    for (const category of categories) {
      const categoryData = data.subset(byClass[category], `${data.name}/class-${category}`);
      // One pass over D_c gives the scores and feeds every layer's cross-product (when the metric
      // hands its outputs over; otherwise a second pass does).
      const { scores, gramProducts } = await categoryPass(model, categoryData, metric, category, {
        batchSize,
        features: options.features,
        centered: options.centered,
        onProgress,
      });
      checkLayerScores(metric.name, model, scores);
      scans.set(category, layerScansOf(model, scores, gramProducts));
      categoriesDone++;
      onProgress?.({ task: 'slice semantic', done: categoriesDone, total: categories.length });
    }
    return scans;
  }

  private sliceAt(
    request: SliceRequest,
    options: SemanticOptions,
    theta: number,
    scans: ScansPerCategory,
  ): Slice {
    const perCategory: Record<number, Record<string, number[]>> = {};
    const rankedPrefixes = new Map<number, Record<string, number[]>>();
    const prefixes: PrefixDiagnostics = {};
    for (const [category, layerScans] of scans) {
      perCategory[category] = {};
      rankedPrefixes.set(category, {});
      prefixes[category] = {};
      for (const [layerName, { rankedOrder, curve }] of layerScans) {
        const chosen = smallestPrefix(curve, theta, options.step);
        const prefix = Array.from(rankedOrder.subarray(0, chosen.size));
        (rankedPrefixes.get(category) as Record<string, number[]>)[layerName] = prefix;
        perCategory[category][layerName] = prefix;
        prefixes[category][layerName] = chosen;
      }
    }
    return createSlice({
      model: request.model,
      metric: request.metric.name,
      slicer: this.name,
      options: { ...options, theta, prefixes },
      critical:
        options.combine === 'layer-budget'
          ? layerBudgetCombination(rankedPrefixes)
          : unionOfCategories(perCategory),
      perCategory,
    });
  }
}
