import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import {
  checkInteger,
  checkNumberInRange,
  componentLookup,
  createSlice,
  evaluateAccuracy,
  type LabeledDataset,
  loadSlice,
  NeuronModel,
  type ProgressListener,
  resolveComponent,
  saveSlice,
  type Slice,
  UsageError,
} from '@neusemslice/core';
import { samplePerClass } from '@neusemslice/data';
import type { DependencyContainer } from 'tsyringe';
import { CheckpointStore } from '../shared/checkpoint-store';
import type { StudySetting } from '../shared/settings';
import { ensureTrainedModel } from '../shared/trained-models';
import { RESTRUCTURE_VARIANTS, type RestructureVariant } from './paper-table4';
import { type RestructureStudyFiles, writeRestructureReport } from './restructure-report';

/** The four pruners of Table 4, by the names their plugins register. */
export const TABLE4_PRUNERS: readonly string[] = ['lamp', 'global', 'uniform-plus', 'erk'];

/** SPEC §4: p = 10% of the remaining weights per iteration for MLP-MNIST, 5% elsewhere. */
export function defaultPruningStep(setting: StudySetting): number {
  return setting.id === 'mlp-mnist' ? 0.1 : 0.05;
}

/** Fine-tuning of each pruning iteration (the `prune` maintainer's `fineTune` option). */
export interface StudyFineTune {
  epochs: number;
  samples: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  batchSize: number;
}

export const DEFAULT_STUDY_FINE_TUNE: Readonly<StudyFineTune> = {
  epochs: 1,
  samples: 3000,
  learningRate: 0.001,
  optimizer: 'adam',
  batchSize: 128,
};

export interface RestructureStudyOptions {
  /** Holds the metric, slicer, pruners and the `prune` and `restructure` maintainers. */
  container: DependencyContainer;
  settings: readonly StudySetting[];
  /** One original model (and slice) per seed; figures are mean ± std over seeds. */
  seeds: readonly number[];
  /** Pruner names; default the four of Table 4. */
  pruners?: readonly string[];
  /** Loads a setting's train and test splits. */
  loadData: (setting: StudySetting) => Promise<{ train: LabeledDataset; test: LabeledDataset }>;
  /** Trained originals are cached here, with the slices and the checkpoint of finished points. */
  cacheDir: string;
  /** Where restructure-table4.{csv,md} and restructure-table4-runs.csv go. */
  outDir: string;
  /** Default 'taylor'. */
  metric?: string;
  /** Default 'semantic'. */
  slicer?: string;
  /** Default { theta: 0.95 }. */
  slicerOptions?: Record<string, unknown>;
  /** Training samples per class to slice on (seeded); default 500 (as `neusemslice slice`). */
  slicingPerClass?: number;
  /** Share p per iteration; default `defaultPruningStep(setting)`. */
  step?: number;
  /** δ in accuracy points; default 1. */
  tolerance?: number;
  /** Iteration cap of each run; default 15. */
  maxIterations?: number;
  fineTune?: Partial<StudyFineTune>;
  /** Evaluate on the first n test samples only; default all. */
  testSamples?: number;
  /** The trained original of a setting and seed; default `ensureTrainedModel` with the cache. */
  originalModel?: (
    setting: StudySetting,
    seed: number,
    data: { train: LabeledDataset; test: LabeledDataset },
  ) => Promise<tf.LayersModel>;
  /** Recorded in the outputs. */
  command?: string;
  backend?: string;
  onProgress?: ProgressListener;
  log?: (line: string) => void;
}

/** One finished run: a setting, seed, pruner and variant. */
export interface RestructurePoint {
  setting: string;
  seed: number;
  pruner: string;
  variant: RestructureVariant;
  compressionRate: number;
  iterations: number;
  testAccuracy: number;
  originalTestAccuracy: number;
  /** With the slice's neurons cut, before pruning (the original's for the pruner alone). */
  slicedTestAccuracy: number;
  /** After the cut network's one recovery fine-tuning, where pruning starts. */
  recoveredTestAccuracy: number;
  sliceCompressionRate: number;
  parametersBefore: number;
  parametersAfter: number;
  stopReason: string;
  seconds: number;
}

export interface RestructureStudyResult {
  points: RestructurePoint[];
  files: RestructureStudyFiles;
  elapsedSeconds: number;
}

/** Checked study settings, also the checkpoint's configuration. */
interface StudyPlan {
  pruners: string[];
  metric: string;
  slicer: string;
  slicerOptions: Record<string, unknown>;
  slicingPerClass: number;
  step?: number;
  tolerance: number;
  maxIterations: number;
  fineTune: StudyFineTune;
  testSamples?: number;
}

function checkPlan(options: RestructureStudyOptions): StudyPlan {
  if (options.settings.length === 0) throw new UsageError('settings: give at least one setting');
  if (options.seeds.length === 0) throw new UsageError('seeds: give at least one seed');
  options.seeds.forEach((seed) => checkInteger('seed', seed, 0));
  const pruners = [...(options.pruners ?? TABLE4_PRUNERS)];
  if (pruners.length === 0) throw new UsageError('pruners: give at least one pruner');
  for (const pruner of pruners) resolveComponent(options.container, 'pruner', pruner);
  resolveComponent(options.container, 'maintainer', 'prune');
  const metric = options.metric ?? 'taylor';
  const slicer = options.slicer ?? 'semantic';
  resolveComponent(options.container, 'metric', metric);
  resolveComponent(options.container, 'slicer', slicer);
  const fineTune = { ...DEFAULT_STUDY_FINE_TUNE, ...(options.fineTune ?? {}) };
  checkInteger('fineTune.samples', fineTune.samples, 1);
  checkInteger('fineTune.epochs', fineTune.epochs, 1);
  return {
    pruners,
    metric,
    slicer,
    slicerOptions: { ...(options.slicerOptions ?? { theta: 0.95 }) },
    slicingPerClass: checkInteger('slicingPerClass', options.slicingPerClass ?? 500, 1),
    step:
      options.step === undefined
        ? undefined
        : checkNumberInRange('step', options.step, Number.EPSILON, 1 - Number.EPSILON),
    tolerance: checkNumberInRange('tolerance', options.tolerance ?? 1, 0, 100),
    maxIterations: checkInteger('maxIterations', options.maxIterations ?? 15, 1),
    fineTune,
    testSamples:
      options.testSamples === undefined
        ? undefined
        : checkInteger('testSamples', options.testSamples, 1),
  };
}

/** A slice that keeps every neuron: the "pruner alone" variant. */
function keepEverything(model: NeuronModel): Slice {
  return createSlice({
    model,
    metric: 'none',
    slicer: 'full',
    options: {},
    critical: Object.fromEntries(
      model.neuronLayers.map((layer) => [
        layer.name,
        Array.from({ length: layer.units }, (_, index) => index),
      ]),
    ),
  });
}

function pointKey(setting: string, seed: number, pruner: string, variant: string): string {
  return `${setting}|seed=${seed}|${pruner}|${variant}`;
}

function firstSamples(data: LabeledDataset, count: number | undefined): LabeledDataset {
  if (count === undefined || count >= data.size) return data;
  return data.subset(
    Int32Array.from({ length: count }, (_, index) => index),
    `${data.name}[0:${count}]`,
  );
}

/**
 * The restructuring study of paper §5.3 (RQ2, Table 4): for each setting and seed, a trained
 * original and its slice (Taylor + semantic, Θ = 0.95 by default); then for each pruner,
 * iterative pruning alone and within the slice (the `prune` maintainer, which restructures the
 * sliced result physically): CR, NI and MA, mean ± std over seeds, beside the paper's figures.
 * Every finished run is checkpointed in the cache directory, so a killed study resumes.
 */
export async function runRestructureStudy(
  options: RestructureStudyOptions,
): Promise<RestructureStudyResult> {
  const startedAt = Date.now();
  const plan = checkPlan(options);
  const { container, log } = options;
  fs.mkdirSync(options.cacheDir, { recursive: true });
  const store = new CheckpointStore<RestructurePoint>(
    path.join(options.cacheDir, 'restructure-table4.checkpoint.json'),
    JSON.stringify(plan),
  );
  const prune = resolveComponent(container, 'maintainer', 'prune');
  const points: RestructurePoint[] = [];
  const totalRuns =
    options.settings.length *
    options.seeds.length *
    plan.pruners.length *
    RESTRUCTURE_VARIANTS.length;
  let runsDone = 0;
  for (const setting of options.settings) {
    const step = plan.step ?? defaultPruningStep(setting);
    let data: { train: LabeledDataset; test: LabeledDataset } | undefined;
    for (const seed of options.seeds) {
      const keys = plan.pruners.flatMap((pruner) =>
        RESTRUCTURE_VARIANTS.map((variant) => pointKey(setting.id, seed, pruner, variant)),
      );
      if (keys.every((key) => store.has(key))) {
        points.push(...keys.map((key) => store.get(key) as RestructurePoint));
        runsDone += keys.length;
        continue;
      }
      data ??= await options.loadData(setting);
      const testData = firstSamples(data.test, plan.testSamples);
      const original = options.originalModel
        ? await options.originalModel(setting, seed, data)
        : (
            await ensureTrainedModel({
              setting,
              seed,
              train: data.train,
              test: data.test,
              cacheDir: options.cacheDir,
              log,
            })
          ).model;
      try {
        const model = new NeuronModel(original);
        const originalTestAccuracy = (await evaluateAccuracy(model, testData, { batchSize: 512 }))
          .accuracy;
        const slice = await sliceOf(model, setting, seed, data.train, plan, options);
        for (const pruner of plan.pruners) {
          for (const variant of RESTRUCTURE_VARIANTS) {
            const point = await store.getOrCompute(
              pointKey(setting.id, seed, pruner, variant),
              async () => {
                log?.(
                  `${setting.label} seed ${seed}: ${pruner} ${variant === 'slice' ? 'after the slice' : 'alone'}`,
                );
                const report = await prune.maintain({
                  model,
                  slice: variant === 'slice' ? slice : keepEverything(model),
                  trainData: data?.train as LabeledDataset,
                  testData,
                  options: {
                    pruner,
                    step,
                    tolerance: plan.tolerance,
                    maxIterations: plan.maxIterations,
                    fineTune: plan.fineTune,
                    seed,
                    originalTestAccuracy,
                  },
                  components: componentLookup(container),
                  onProgress: options.onProgress,
                });
                report.model?.dispose();
                const figures = report.figures;
                return {
                  setting: setting.id,
                  seed,
                  pruner,
                  variant,
                  compressionRate: figures.compressionRate,
                  iterations: figures.iterations,
                  testAccuracy: figures.testAccuracy,
                  originalTestAccuracy,
                  slicedTestAccuracy: figures.slicedTestAccuracy,
                  recoveredTestAccuracy: figures.recoveredTestAccuracy,
                  sliceCompressionRate: figures.sliceCompressionRate,
                  parametersBefore: figures.parametersBefore,
                  parametersAfter: figures.parametersAfter,
                  stopReason: String(report.details?.stopReason ?? ''),
                  seconds: figures.seconds,
                };
              },
            );
            points.push(point);
            runsDone++;
            options.onProgress?.({
              task: 'study restructure',
              done: runsDone,
              total: totalRuns,
              figures: {
                compressionRate: point.compressionRate,
                iterations: point.iterations,
                testAccuracy: point.testAccuracy,
              },
            });
          }
        }
      } finally {
        original.dispose();
      }
    }
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  const files = writeRestructureReport({
    outDir: options.outDir,
    points,
    settings: options.settings,
    seeds: options.seeds,
    pruners: plan.pruners,
    plan: { ...plan, stepBySetting: stepsBySetting(options.settings, plan.step) },
    command: options.command ?? 'runRestructureStudy (library call)',
    backend: options.backend,
    startedAt: new Date(startedAt),
    elapsedSeconds: (Date.now() - startedAt) / 1000,
  });
  return { points, files, elapsedSeconds: (Date.now() - startedAt) / 1000 };
}

function stepsBySetting(settings: readonly StudySetting[], step?: number): Record<string, number> {
  return Object.fromEntries(
    settings.map((setting) => [setting.label, step ?? defaultPruningStep(setting)]),
  );
}

/** The setting's slice for a seed, from the cache when it was made before (same model). */
async function sliceOf(
  model: NeuronModel,
  setting: StudySetting,
  seed: number,
  train: LabeledDataset,
  plan: StudyPlan,
  options: RestructureStudyOptions,
): Promise<Slice> {
  const optionsPart = Object.entries(plan.slicerOptions)
    .map(([name, value]) => `${name}-${String(value)}`)
    .join('-');
  const file = path.join(
    options.cacheDir,
    `${setting.id}-seed-${seed}-${plan.metric}-${plan.slicer}-${optionsPart}-${plan.slicingPerClass}pc.slice.json`,
  );
  const fingerprint = model.fingerprint();
  if (fs.existsSync(file)) {
    const cached = loadSlice(file);
    if (cached.model.weightsSha256 === fingerprint.weightsSha256) return cached;
  }
  options.log?.(`${setting.label} seed ${seed}: slicing with ${plan.metric} + ${plan.slicer}`);
  const slice = await resolveComponent(options.container, 'slicer', plan.slicer).slice({
    model,
    data: samplePerClass(train, plan.slicingPerClass, seed),
    metric: resolveComponent(options.container, 'metric', plan.metric),
    options: { ...plan.slicerOptions },
    onProgress: options.onProgress,
  });
  saveSlice(file, slice);
  return slice;
}
