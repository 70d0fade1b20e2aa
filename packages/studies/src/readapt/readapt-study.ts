import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import {
  checkInteger,
  checkNumberInRange,
  componentLookup,
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
import { TABLE5_STRATEGIES, type Table5Strategy } from './paper-table5';
import { type ReadaptStudyFiles, writeReadaptReport } from './readapt-report';

/** Retraining of each run (the `readapt` maintainer's options). */
export interface StudyRetraining {
  /** Epochs over the attacked samples, for every setting without its own entry. */
  epochs: number;
  /** Epochs by setting id, e.g. fewer for LeNet-5 under PGD's cost. */
  epochsBySetting: Record<string, number>;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  batchSize: number;
  /** The first n training samples (attacked once for RA, trained on, re-attacked for RAA). */
  samples: number;
  epsilon: number;
  stepSize: number;
  steps: number;
}

export const DEFAULT_STUDY_RETRAINING: Readonly<StudyRetraining> = {
  epochs: 3,
  epochsBySetting: {},
  // Adversarial training at ε = 0.3 barely moves in a few epochs at 0.001 (RA ≈ 33% for full
  // training of MLP-MNIST in 2 epochs); 0.005 with batches of 32 fits the budget better.
  learningRate: 0.005,
  optimizer: 'adam',
  batchSize: 32,
  samples: 1000,
  epsilon: 0.3,
  stepSize: 0.01,
  steps: 40,
};

export interface ReadaptStudyOptions {
  /** Holds the metric, the slicer, the attacks and the `readapt` maintainer. */
  container: DependencyContainer;
  settings: readonly StudySetting[];
  /** One original model (and slice) per seed; figures are mean ± std over seeds. */
  seeds: readonly number[];
  /** Attack names; default fgsm and pgd. */
  attacks?: readonly string[];
  /** Strategies; default the four of Table 5. */
  strategies?: readonly Table5Strategy[];
  loadData: (setting: StudySetting) => Promise<{ train: LabeledDataset; test: LabeledDataset }>;
  /** Trained originals are cached here, with the slices and the checkpoint of finished runs. */
  cacheDir: string;
  /** Where readapt-table5.{csv,md} and readapt-table5-runs.csv go. */
  outDir: string;
  /** Default 'taylor'. */
  metric?: string;
  /** Default 'semantic'. */
  slicer?: string;
  /** Default { theta: 0.95 }. */
  slicerOptions?: Record<string, unknown>;
  /** Training samples per class to slice on (seeded); default 500. */
  slicingPerClass?: number;
  retraining?: Partial<StudyRetraining>;
  /** Clean accuracy on the first n test samples only; default all. */
  testSamples?: number;
  /** The trained original of a setting and seed; default `ensureTrainedModel` with the cache. */
  originalModel?: (
    setting: StudySetting,
    seed: number,
    data: { train: LabeledDataset; test: LabeledDataset },
  ) => Promise<tf.LayersModel>;
  /**
   * Write the report from the runs already in the checkpoint, computing nothing; runs not done
   * are listed in the Markdown as not run.
   */
  reportOnly?: boolean;
  /** Extra lines for the Markdown (e.g. how the checkpointed runs were made). */
  notes?: readonly string[];
  command?: string;
  backend?: string;
  onProgress?: ProgressListener;
  log?: (line: string) => void;
}

/** One finished run: a setting, seed, attack and strategy. */
export interface ReadaptPoint {
  setting: string;
  seed: number;
  attack: string;
  strategy: Table5Strategy;
  epochs: number;
  tpr: number;
  ra: number;
  raa: number;
  robustAccuracyBefore: number;
  cleanAccuracy: number;
  cleanAccuracyBefore: number;
  seconds: number;
  trainedBlocks: string;
}

export interface ReadaptStudyResult {
  points: ReadaptPoint[];
  /** Keys of the runs not done (only with `reportOnly`). */
  missing: string[];
  files: ReadaptStudyFiles;
  elapsedSeconds: number;
}

/** Checked study settings, also the checkpoint's configuration. */
export interface ReadaptStudyPlan {
  attacks: string[];
  strategies: Table5Strategy[];
  metric: string;
  slicer: string;
  slicerOptions: Record<string, unknown>;
  slicingPerClass: number;
  retraining: StudyRetraining;
  testSamples?: number;
}

function checkPlan(options: ReadaptStudyOptions): ReadaptStudyPlan {
  if (options.settings.length === 0) throw new UsageError('settings: give at least one setting');
  if (options.seeds.length === 0) throw new UsageError('seeds: give at least one seed');
  options.seeds.forEach((seed) => checkInteger('seed', seed, 0));
  const attacks = [...(options.attacks ?? ['fgsm', 'pgd'])];
  if (attacks.length === 0) throw new UsageError('attacks: give at least one attack');
  for (const attack of attacks) resolveComponent(options.container, 'attack', attack);
  resolveComponent(options.container, 'maintainer', 'readapt');
  const strategies = [...(options.strategies ?? TABLE5_STRATEGIES)];
  for (const strategy of strategies) {
    if (!(TABLE5_STRATEGIES as readonly string[]).includes(strategy)) {
      throw new UsageError(
        `strategies: unknown strategy '${strategy}' (expected ${TABLE5_STRATEGIES.join(' | ')})`,
      );
    }
  }
  const metric = options.metric ?? 'taylor';
  const slicer = options.slicer ?? 'semantic';
  resolveComponent(options.container, 'metric', metric);
  resolveComponent(options.container, 'slicer', slicer);
  const retraining: StudyRetraining = {
    ...DEFAULT_STUDY_RETRAINING,
    ...(options.retraining ?? {}),
    epochsBySetting: { ...(options.retraining?.epochsBySetting ?? {}) },
  };
  checkInteger('retraining.epochs', retraining.epochs, 1);
  for (const [id, epochs] of Object.entries(retraining.epochsBySetting)) {
    checkInteger(`retraining.epochsBySetting.${id}`, epochs, 1);
  }
  checkInteger('retraining.samples', retraining.samples, 1);
  checkInteger('retraining.steps', retraining.steps, 1);
  checkNumberInRange('retraining.epsilon', retraining.epsilon, 0, 1e6);
  return {
    attacks,
    strategies,
    metric,
    slicer,
    slicerOptions: { ...(options.slicerOptions ?? { theta: 0.95 }) },
    slicingPerClass: checkInteger('slicingPerClass', options.slicingPerClass ?? 500, 1),
    retraining,
    testSamples:
      options.testSamples === undefined
        ? undefined
        : checkInteger('testSamples', options.testSamples, 1),
  };
}

export function retrainingEpochs(retraining: StudyRetraining, setting: StudySetting): number {
  return retraining.epochsBySetting[setting.id] ?? retraining.epochs;
}

function pointKey(setting: string, seed: number, attack: string, strategy: string): string {
  return `${setting}|seed=${seed}|${attack}|${strategy}`;
}

function firstSamples(data: LabeledDataset, count: number | undefined): LabeledDataset {
  if (count === undefined || count >= data.size) return data;
  return data.subset(
    Int32Array.from({ length: count }, (_, index) => index),
    `${data.name}[0:${count}]`,
  );
}

/**
 * The re-adaptation study of paper §5.4 (RQ3, Table 5): for each setting and seed, a trained
 * original and its slice (Taylor + semantic, Θ = 0.95 by default); then for each attack and
 * strategy, the `readapt` maintainer's TPR, RA, RAA, clean accuracy and seconds, mean ± std over
 * seeds, beside the paper's figures. Finished runs are checkpointed, so a killed study resumes.
 */
export async function runReadaptStudy(options: ReadaptStudyOptions): Promise<ReadaptStudyResult> {
  const startedAt = Date.now();
  const plan = checkPlan(options);
  const { container, log } = options;
  fs.mkdirSync(options.cacheDir, { recursive: true });
  const store = new CheckpointStore<ReadaptPoint>(
    path.join(options.cacheDir, 'readapt-table5.checkpoint.json'),
    JSON.stringify(plan),
  );
  const readapt = resolveComponent(container, 'maintainer', 'readapt');
  const points: ReadaptPoint[] = [];
  const totalRuns =
    options.settings.length * options.seeds.length * plan.attacks.length * plan.strategies.length;
  let runsDone = 0;
  const missing: string[] = [];
  for (const setting of options.settings) {
    let data: { train: LabeledDataset; test: LabeledDataset } | undefined;
    const epochs = retrainingEpochs(plan.retraining, setting);
    for (const seed of options.seeds) {
      const keys = plan.attacks.flatMap((attack) =>
        plan.strategies.map((strategy) => pointKey(setting.id, seed, attack, strategy)),
      );
      if (keys.every((key) => store.has(key))) {
        points.push(...keys.map((key) => store.get(key) as ReadaptPoint));
        runsDone += keys.length;
        continue;
      }
      if (options.reportOnly) {
        for (const key of keys) {
          if (store.has(key)) points.push(store.get(key) as ReadaptPoint);
          else missing.push(key);
        }
        continue;
      }
      data ??= await options.loadData(setting);
      const testData = firstSamples(data.test, plan.testSamples);
      const original: tf.LayersModel = options.originalModel
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
        const slice = await sliceOf(model, setting, seed, data.train, plan, options);
        for (const attack of plan.attacks) {
          for (const strategy of plan.strategies) {
            const point = await store.getOrCompute(
              pointKey(setting.id, seed, attack, strategy),
              async () => {
                log?.(`${setting.label} seed ${seed}: ${attack}, strategy ${strategy}`);
                const { retraining } = plan;
                const report = await readapt.maintain({
                  model,
                  slice,
                  trainData: data?.train as LabeledDataset,
                  testData,
                  options: {
                    attack,
                    strategy,
                    epochs,
                    learningRate: retraining.learningRate,
                    optimizer: retraining.optimizer,
                    batchSize: retraining.batchSize,
                    samples: retraining.samples,
                    epsilon: retraining.epsilon,
                    stepSize: retraining.stepSize,
                    steps: retraining.steps,
                    seed,
                  },
                  components: componentLookup(container),
                  onProgress: options.onProgress,
                });
                report.model?.dispose();
                const figures = report.figures;
                return {
                  setting: setting.id,
                  seed,
                  attack,
                  strategy,
                  epochs,
                  tpr: figures.tpr,
                  ra: figures.ra,
                  raa: figures.raa,
                  robustAccuracyBefore: figures.robustAccuracyBefore,
                  cleanAccuracy: figures.cleanAccuracy,
                  cleanAccuracyBefore: figures.cleanAccuracyBefore,
                  seconds: figures.seconds,
                  trainedBlocks: ((report.details?.trainedBlocks as string[]) ?? []).join(' '),
                };
              },
            );
            points.push(point);
            runsDone++;
            options.onProgress?.({
              task: 'study readapt',
              done: runsDone,
              total: totalRuns,
              figures: { tpr: point.tpr, ra: point.ra, raa: point.raa },
            });
          }
        }
      } finally {
        original.dispose();
      }
    }
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  const files = writeReadaptReport({
    outDir: options.outDir,
    points,
    settings: options.settings,
    seeds: options.seeds,
    plan,
    missing,
    notes: options.notes ?? [],
    command: options.command ?? 'runReadaptStudy (library call)',
    backend: options.backend,
    startedAt: new Date(startedAt),
    elapsedSeconds: (Date.now() - startedAt) / 1000,
  });
  return { points, missing, files, elapsedSeconds: (Date.now() - startedAt) / 1000 };
}

/** The setting's slice for a seed, from the cache when it was made before (same model). */
async function sliceOf(
  model: NeuronModel,
  setting: StudySetting,
  seed: number,
  train: LabeledDataset,
  plan: ReadaptStudyPlan,
  options: ReadaptStudyOptions,
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
