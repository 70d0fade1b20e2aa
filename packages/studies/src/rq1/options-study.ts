import {
  checkInteger,
  countKeptParameters,
  firstSamples,
  type LabeledDataset,
  masksFromNeuronSets,
  type Metric,
  type NeuronModel,
  type NeuronSets,
  resolveComponent,
  type Slice,
  type Slicer,
  UsageError,
  weightOwnership,
  type WeightOwnership,
} from '@neusemslice/core';
import { samplePerClass } from '@neusemslice/data';
import { checkShares, slicesForValues } from '../curves';
import { studyReportBase } from '../shared/report-header';
import type { StudySetting } from '../shared/settings';
import { runStudyLoop } from '../shared/study-loop';
import { checkSettingsAndSeeds, type StudyBaseOptions } from '../shared/study-options';
import { studyOriginal } from '../shared/trained-models';
import { maskedAccuracy, type MaskFill, type NeuronMeans, neuronMeans } from './masked-evaluation';
import { writeRq1OptionsReport } from './options-report';
import { RandomBaselines } from './random-baseline';
import { type Rq1Variant, rq1Variants } from './variants';

/** One slice of the option study, with the random slices of its per-layer sizes beside it. */
export interface Rq1CurvePoint {
  slicer: 'global' | 'category-wise' | 'semantic';
  /** keepRatio k of global and category-wise, Θ of semantic. */
  parameter: number;
  compressionRate: number;
  accuracy: number;
  criticalNeurons: number;
  /** Random slices of the same per-layer sizes: mean and std of their accuracy over the draws. */
  randomMean: number;
  randomStd: number;
  /** Semantic only: mean over categories of the compression rate of the category's own slice. */
  categoryCompressionRate?: number;
}

/** One (setting, seed, variant, metric): every slicer's curve under the variant's fill. */
export interface Rq1Point {
  setting: string;
  seed: number;
  variant: string;
  metric: string;
  fill: MaskFill;
  /** Test accuracy without masks. */
  baseAccuracy: number;
  totalNeurons: number;
  curve: Rq1CurvePoint[];
}

export interface Rq1OptionsStudyOptions extends StudyBaseOptions {
  /** Variant names of RQ1_VARIANTS; default all. Conv-only variants are skipped on MLPs. */
  variants?: readonly string[];
  /** Metrics every variant is run with; default ['taylor']. */
  metrics?: readonly string[];
  /** Extra metrics run with the screen variants only (the ranking-metric screen). */
  screenMetrics?: readonly string[];
  /** The variants the screen metrics run with (each must be in `variants`); default ['default']. */
  screenVariants?: readonly string[];
  /** Semantic Θ; default 0.90, 0.93, 0.96, 0.99. */
  thetas?: readonly number[];
  /** Global and category-wise k; default 0.1 … 1.0. */
  keepRatios?: readonly number[];
  /** Random draws per slice size; default 5. */
  randomDraws?: number;
  /** Training samples per class to slice on (seeded); default 100. */
  slicingPerClass?: number;
  /** Evaluate on the first n test samples; default 2000. */
  testSamples?: number;
  batchSize?: number;
  /** Compute nothing: write the report from the checkpointed points (those missing are listed). */
  reportOnly?: boolean;
  originalModel?: (
    setting: StudySetting,
    seed: number,
    data: { train: LabeledDataset; test: LabeledDataset },
  ) => Promise<import('@tensorflow/tfjs').LayersModel>;
}

/** The checked plan: points made under another plan are not mixed in. */
export interface Rq1Plan {
  thetas: number[];
  keepRatios: number[];
  randomDraws: number;
  slicingPerClass: number;
  testSamples: number;
  batchSize: number;
}

export const RQ1_SCREEN_THETAS: readonly number[] = [0.9, 0.93, 0.96, 0.99];
/** The plan's counts when not given (also the CLI's defaults). */
export const RQ1_PLAN_DEFAULTS = {
  randomDraws: 5,
  slicingPerClass: 100,
  testSamples: 2000,
  batchSize: 256,
} as const;
const TEN_KEEP_RATIOS = Array.from({ length: 10 }, (_, index) => (index + 1) / 10);

/** Whether a setting's model has conv layers (the conv-feature variants apply). */
export function hasConvLayers(setting: StudySetting): boolean {
  return setting.model !== 'mlp';
}

/**
 * The (variant, metric) runs of a setting: every variant with `metrics`, the screen variants
 * (default: `default`) also with the screen metrics.
 */
export function rq1Runs(
  setting: StudySetting,
  variants: readonly Rq1Variant[],
  metrics: readonly string[],
  screenMetrics: readonly string[],
  screenVariants: readonly string[] = ['default'],
): { variant: Rq1Variant; metric: string }[] {
  const runs: { variant: Rq1Variant; metric: string }[] = [];
  for (const variant of variants) {
    if (variant.convOnly && !hasConvLayers(setting)) continue;
    const names = screenVariants.includes(variant.name) ? [...metrics, ...screenMetrics] : metrics;
    for (const metric of [...new Set(names)]) runs.push({ variant, metric });
  }
  return runs;
}

function pointKey(setting: string, seed: number, variant: string, metric: string): string {
  return `${setting}/seed-${seed}/${variant}/${metric}`;
}

function checkPlan(options: Rq1OptionsStudyOptions): Rq1Plan {
  checkSettingsAndSeeds(options);
  const thetas = [...(options.thetas ?? RQ1_SCREEN_THETAS)];
  const keepRatios = [...(options.keepRatios ?? TEN_KEEP_RATIOS)];
  checkShares('thetas', thetas);
  checkShares('keepRatios', keepRatios);
  return {
    thetas,
    keepRatios,
    randomDraws: checkInteger(
      'randomDraws',
      options.randomDraws ?? RQ1_PLAN_DEFAULTS.randomDraws,
      1,
    ),
    slicingPerClass: checkInteger(
      'slicingPerClass',
      options.slicingPerClass ?? RQ1_PLAN_DEFAULTS.slicingPerClass,
      1,
    ),
    testSamples: checkInteger(
      'testSamples',
      options.testSamples ?? RQ1_PLAN_DEFAULTS.testSamples,
      1,
    ),
    batchSize: checkInteger('batchSize', options.batchSize ?? RQ1_PLAN_DEFAULTS.batchSize, 1),
  };
}

/** Compression rate, masked accuracy (under the fill) and size of one slice. */
async function measure(
  model: NeuronModel,
  ownership: readonly WeightOwnership[],
  critical: NeuronSets,
  testData: LabeledDataset,
  means: NeuronMeans | undefined,
  batchSize: number,
): Promise<Pick<Rq1CurvePoint, 'compressionRate' | 'accuracy' | 'criticalNeurons'>> {
  const masks = masksFromNeuronSets(model, critical);
  return {
    compressionRate: countKeptParameters(ownership, masks).compressionRate,
    accuracy: await maskedAccuracy(model, testData, { masks, means, batchSize }),
    criticalNeurons: Object.values(critical).reduce((sum, set) => sum + set.length, 0),
  };
}

/** Mean over categories of the compression rate each category's own slice gives. */
function categoryCompression(
  model: NeuronModel,
  ownership: readonly WeightOwnership[],
  slice: Slice,
): number | undefined {
  const perCategory = Object.values(slice.perCategory ?? {});
  if (perCategory.length === 0) return undefined;
  const rates = perCategory.map(
    (sets) => countKeptParameters(ownership, masksFromNeuronSets(model, sets)).compressionRate,
  );
  return rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
}

/**
 * The RQ1 option study (issue 12): for each setting, seed, variant of semantic slicing and
 * metric, the accuracy/compression curves of global, category-wise and semantic slicing under
 * the variant's fill, each slice beside the mean ± std of random slices of its per-layer sizes.
 * Points are checkpointed in the cache directory; `writeRq1OptionsReport` turns them into tables.
 */
export async function runRq1OptionsStudy(options: Rq1OptionsStudyOptions): Promise<{
  plan: Rq1Plan;
  points: Rq1Point[];
  missing: string[];
  files: { csv: string; markdown: string; svg: string };
  elapsedSeconds: number;
}> {
  const startedAt = Date.now();
  const plan = checkPlan(options);
  const variants = rq1Variants(options.variants ?? ['default']);
  const metrics = [...(options.metrics ?? ['taylor'])];
  const screenMetrics = [...(options.screenMetrics ?? [])];
  const screenVariants = [...(options.screenVariants ?? ['default'])];
  for (const name of screenVariants) {
    if (!variants.some((variant) => variant.name === name)) {
      throw new UsageError(
        `screenVariants: '${name}' is not among the variants run (${variants.map((variant) => variant.name).join(', ')})`,
      );
    }
  }
  if (metrics.length === 0) throw new UsageError('metrics: give at least one metric');
  const container = options.container;
  for (const name of [...metrics, ...screenMetrics]) resolveComponent(container, 'metric', name);
  const slicerOf = (name: string): Slicer => resolveComponent(container, 'slicer', name);
  const [global, categoryWise, semantic] = ['global', 'category-wise', 'semantic'].map(slicerOf);

  const { points, missing } = await runStudyLoop<Rq1Point>(options, {
    checkpoint: 'rq1-options.checkpoint.json',
    reportOnly: options.reportOnly,
    plan,
    keys: (setting, seed) =>
      rq1Runs(setting, variants, metrics, screenMetrics, screenVariants).map(
        ({ variant, metric }) => pointKey(setting.id, seed, variant.name, metric),
      ),
    original: (setting, seed, data) => studyOriginal(options, setting, seed, data),
    task: 'study rq1-options',
    figures: (point) => ({
      semanticAtLowestTheta:
        point.curve.find((entry) => entry.slicer === 'semantic')?.accuracy ?? NaN,
    }),
    run: async ({ setting, seed, data, model, point }) => {
      const { batchSize } = plan;
      const testData = firstSamples(data.test, plan.testSamples);
      const slicingData = samplePerClass(data.train, plan.slicingPerClass, seed);
      const ownership = weightOwnership(model);
      const baseAccuracy = await maskedAccuracy(model, testData, { masks: {}, batchSize });
      let means: NeuronMeans | undefined;
      const meansFor = async (fill: MaskFill) =>
        fill === 'mean' ? (means ??= await neuronMeans(model, slicingData, batchSize)) : undefined;
      const randoms = new Map<MaskFill, RandomBaselines>();
      const randomFor = async (fill: MaskFill) => {
        let baselines = randoms.get(fill);
        if (!baselines) {
          baselines = new RandomBaselines(model, testData, {
            draws: plan.randomDraws,
            seed,
            batchSize,
            means: await meansFor(fill),
          });
          randoms.set(fill, baselines);
        }
        return baselines;
      };
      // Baseline curves depend on the fill and the metric only: shared between variants.
      const baselineCurves = new Map<string, Rq1CurvePoint[]>();
      const curveOf = async (
        slicer: Slicer,
        metric: Metric,
        sliceOptions: Record<string, unknown>,
        values: readonly number[],
        fill: MaskFill,
      ): Promise<Rq1CurvePoint[]> => {
        const slices = await slicesForValues(
          slicer,
          { model, data: slicingData, metric, options: sliceOptions, batchSize },
          slicer.sweepOption ?? 'keepRatio',
          values,
        );
        const random = await randomFor(fill);
        const fillMeans = await meansFor(fill);
        const curve: Rq1CurvePoint[] = [];
        for (let index = 0; index < values.length; index++) {
          const slice = slices[index];
          const measured = await measure(
            model,
            ownership,
            slice.critical,
            testData,
            fillMeans,
            batchSize,
          );
          const chance = await random.at(slice.critical);
          curve.push({
            slicer: slicer.name as Rq1CurvePoint['slicer'],
            parameter: values[index],
            ...measured,
            randomMean: chance.accuracyMean,
            randomStd: chance.accuracyStd,
            ...(slicer === semantic
              ? { categoryCompressionRate: categoryCompression(model, ownership, slice) }
              : {}),
          });
        }
        return curve;
      };
      for (const { variant, metric: metricName } of rq1Runs(
        setting,
        variants,
        metrics,
        screenMetrics,
        screenVariants,
      )) {
        await point(pointKey(setting.id, seed, variant.name, metricName), async () => {
          options.log?.(`${setting.label} seed ${seed}: ${variant.name} / ${metricName}`);
          const metric: Metric = resolveComponent(container, 'metric', metricName);
          const baselineKey = `${variant.fill}/${metricName}`;
          let baselines = baselineCurves.get(baselineKey);
          if (!baselines) {
            baselines = [
              ...(await curveOf(global, metric, {}, plan.keepRatios, variant.fill)),
              ...(await curveOf(categoryWise, metric, {}, plan.keepRatios, variant.fill)),
            ];
            baselineCurves.set(baselineKey, baselines);
          }
          const semanticCurve = await curveOf(
            semantic,
            metric,
            variant.semanticOptions,
            plan.thetas,
            variant.fill,
          );
          return {
            setting: setting.id,
            seed,
            variant: variant.name,
            metric: metricName,
            fill: variant.fill,
            baseAccuracy,
            totalNeurons: model.neuronCount,
            curve: [...baselines, ...semanticCurve],
          };
        });
      }
    },
  });
  const base = studyReportBase(options, startedAt, 'runRq1OptionsStudy (library call)');
  const files = writeRq1OptionsReport({ ...base, plan, points, metric: metrics[0] });
  return { plan, points, missing, files, elapsedSeconds: base.elapsedSeconds };
}
