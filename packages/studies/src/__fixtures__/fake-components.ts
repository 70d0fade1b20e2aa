import {
  createSlice,
  type Metric,
  type NeuronModel,
  rankNeurons,
  type ScoresPerLayer,
  type Slice,
  type SliceRequest,
  type Slicer,
  unionOfCategories,
} from '@neusemslice/core';
import { seededRandom } from '@neusemslice/core/testing';

/** Deterministic pseudo-random scores per layer, different for every category and metric salt. */
export function fakeScores(model: NeuronModel, salt: number, category?: number): ScoresPerLayer {
  const scores: ScoresPerLayer = {};
  model.neuronLayers.forEach((layer, index) => {
    const random = seededRandom(1000 * salt + 100 * ((category ?? -1) + 2) + index);
    scores[layer.name] = Float64Array.from({ length: layer.units }, () => random());
  });
  return scores;
}

/** A metric that makes no tensors and counts its calls (global vs per category). */
export class FakeMetric implements Metric {
  readonly description = 'pseudo-random scores for tests';
  globalCalls = 0;
  categoryCalls = 0;
  constructor(
    readonly name: string,
    private readonly salt: number,
  ) {}
  async score(
    model: NeuronModel,
    _data: unknown,
    options: { category?: number },
  ): Promise<ScoresPerLayer> {
    if (options.category === undefined) this.globalCalls++;
    else this.categoryCalls++;
    return fakeScores(model, this.salt, options.category);
  }
  scoresFor(model: NeuronModel, category?: number): ScoresPerLayer {
    return fakeScores(model, this.salt, category);
  }
}

function topShare(
  scores: ScoresPerLayer,
  model: NeuronModel,
  share: number,
): Record<string, number[]> {
  return Object.fromEntries(
    model.neuronLayers.map((layer) => [
      layer.name,
      rankNeurons(scores[layer.name]).slice(0, Math.max(1, Math.round(share * layer.units))),
    ]),
  );
}

function categoriesOf(request: SliceRequest): number[] {
  return [...new Set(request.data.labels())].sort((a, b) => a - b);
}

/** Counts calls so tests can see which path the study took. */
export interface CountingSlicer extends Slicer {
  sliceCalls: number;
  sweepCalls: number;
}

/** `global`: top k per layer by the metric's scores; no sweep (the study calls slice per k). */
export function fakeGlobalSlicer(): CountingSlicer {
  return {
    name: 'global',
    description: 'fake global slicer',
    sweepOption: 'keepRatio',
    sliceCalls: 0,
    sweepCalls: 0,
    async slice(request: SliceRequest): Promise<Slice> {
      this.sliceCalls++;
      const metric = request.metric as FakeMetric;
      const keepRatio = request.options.keepRatio as number;
      return createSlice({
        model: request.model,
        metric: metric.name,
        slicer: 'global',
        options: request.options,
        critical: topShare(metric.scoresFor(request.model), request.model, keepRatio),
      });
    },
  };
}

function perCategorySlice(
  request: SliceRequest,
  slicer: string,
  share: number,
  options: Record<string, unknown>,
): Slice {
  const metric = request.metric as FakeMetric;
  const perCategory: Record<number, Record<string, number[]>> = {};
  for (const category of categoriesOf(request))
    perCategory[category] = topShare(
      metric.scoresFor(request.model, category),
      request.model,
      share,
    );
  return createSlice({
    model: request.model,
    metric: metric.name,
    slicer,
    options,
    critical: unionOfCategories(perCategory),
    perCategory,
  });
}

/** `category-wise`: top k per category, union; no sweep. */
export function fakeCategoryWiseSlicer(): CountingSlicer {
  return {
    name: 'category-wise',
    description: 'fake category-wise slicer',
    sweepOption: 'keepRatio',
    sliceCalls: 0,
    sweepCalls: 0,
    async slice(request: SliceRequest): Promise<Slice> {
      this.sliceCalls++;
      return perCategorySlice(
        request,
        'category-wise',
        request.options.keepRatio as number,
        request.options,
      );
    },
  };
}

/** The share a fake semantic slice keeps per category at Θ: 30% at 0.90 up to 75% at 0.99. */
export function fakeSemanticShare(theta: number): number {
  return 0.3 + (theta - 0.9) * 5;
}

/** `semantic`: a Θ-dependent share per category, union; with a sweep. */
export function fakeSemanticSlicer(): CountingSlicer {
  return {
    name: 'semantic',
    description: 'fake semantic slicer',
    sweepOption: 'theta',
    sliceCalls: 0,
    sweepCalls: 0,
    async slice(request: SliceRequest): Promise<Slice> {
      this.sliceCalls++;
      const theta = request.options.theta as number;
      return perCategorySlice(request, 'semantic', fakeSemanticShare(theta), request.options);
    },
    async sweep(request: SliceRequest, values: readonly number[]): Promise<Slice[]> {
      this.sweepCalls++;
      return values.map((theta) =>
        perCategorySlice(request, 'semantic', fakeSemanticShare(theta), {
          ...request.options,
          theta,
        }),
      );
    },
  };
}

/** `deeparc`: keeps every neuron (an MLP has no redundant layer to drop). */
export function fakeDeepArcSlicer(): CountingSlicer {
  return {
    name: 'deeparc',
    description: 'fake DeepArc slicer',
    sliceCalls: 0,
    sweepCalls: 0,
    async slice(request: SliceRequest): Promise<Slice> {
      this.sliceCalls++;
      return createSlice({
        model: request.model,
        metric: request.metric.name,
        slicer: 'deeparc',
        options: request.options,
        critical: Object.fromEntries(
          request.model.neuronLayers.map((layer) => [
            layer.name,
            Array.from({ length: layer.units }, (_, i) => i),
          ]),
        ),
      });
    },
  };
}
