import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import {
  checkInteger,
  checkNumberInRange,
  type LabeledDataset,
  type NeuronModel,
  resolveComponent,
  type Slice,
  UsageError,
} from '@neusemslice/core';
import { classSubset, samplePerClass } from '@neusemslice/data';
import type { DependencyContainer } from 'tsyringe';
import { cachedSlice } from '../shared/cached-slice';
import { studyReportBase } from '../shared/report-header';
import type { StudySetting } from '../shared/settings';
import { maintainPoint, runStudyLoop } from '../shared/study-loop';
import {
  checkSettingsAndSeeds,
  type StudyBaseOptions,
  type StudyData,
} from '../shared/study-options';
import { studyOriginal } from '../shared/trained-models';
import { type IncrementalStudyFiles, writeIncrementalReport } from './incremental-report';
import { type IncrementalVariant, TABLE6_VARIANTS } from './paper-table6';

/** How task B is learnt in every run of the study (the maintainer's training options). */
export interface IncrementalStudyTraining {
  epochs: number;
  learningRate: number;
  batchSize: number;
  /** EWC's λ and the task-A samples its Fisher diagonal is averaged over. */
  ewcLambda: number;
  fisherSamples: number;
}

export const DEFAULT_INCREMENTAL_TRAINING: Readonly<IncrementalStudyTraining> = {
  epochs: 1,
  learningRate: 0.001,
  batchSize: 128,
  ewcLambda: 1e6,
  fisherSamples: 500,
};

export interface IncrementalStudyOptions extends StudyBaseOptions {
  /** Holds the metric, the slicers (semantic, deeparc) and the `incremental` maintainer. */
  container: DependencyContainer;
  /** One task-A model (and slice) per seed; figures are mean ± std over seeds. */
  seeds: readonly number[];
  /** Rows of the table; default every row of Table 6 and EWC. */
  variants?: readonly IncrementalVariant[];
  /** Task-A models, slices and the checkpoint of finished runs are kept here (resumable). */
  cacheDir: string;
  /** Where incremental-table6.{csv,md} and incremental-table6-runs.csv go. */
  outDir: string;
  /** Default: the first half of the classes (the paper's split). */
  taskA?: readonly number[];
  taskB?: readonly number[];
  /** Semantic threshold of the task-A slice (Taylor metric); default 0.95. */
  theta?: number;
  /** Task-A training samples per class to slice on (seeded); default 500. */
  slicingPerClass?: number;
  training?: Partial<IncrementalStudyTraining>;
  /**
   * Learn task B from a seeded sample of this many training samples per class (both tasks, so
   * the replay shares stay shares of A's data); default all. The task-A model is trained on all.
   */
  trainPerClass?: number;
  /** Evaluate on the first n test samples of each task; default all. */
  testSamples?: number;
  /** The task-A model of a setting and seed; default `ensureTrainedModel` with `classes: taskA`. */
  taskAModel?: (
    setting: StudySetting,
    seed: number,
    data: StudyData,
    taskA: readonly number[],
  ) => Promise<tf.LayersModel>;
}

/** One finished run: a setting, seed and variant. */
export interface IncrementalPoint {
  setting: string;
  seed: number;
  variant: string;
  taskA: number;
  taskB: number;
  mean: number;
  bwt: number;
  taskABefore: number;
  taskAIncremental: number;
  taskBIncremental: number;
  seconds: number;
  trainSeconds: number;
  trainedShare: number;
  bytesKeptFromTaskA: number;
  /** DeepArc only: redundant layers found (0 means nothing was trained). */
  redundantLayers?: number;
}

export interface IncrementalStudyResult {
  points: IncrementalPoint[];
  files: IncrementalStudyFiles;
  elapsedSeconds: number;
}

interface StudyPlan {
  variants: string[];
  taskA?: number[];
  taskB?: number[];
  theta: number;
  slicingPerClass: number;
  training: IncrementalStudyTraining;
  trainPerClass?: number;
  testSamples?: number;
}

function checkPlan(options: IncrementalStudyOptions): StudyPlan {
  checkSettingsAndSeeds(options);
  const variants = options.variants ?? TABLE6_VARIANTS;
  if (variants.length === 0) throw new UsageError('variants: give at least one variant');
  resolveComponent(options.container, 'maintainer', 'incremental');
  resolveComponent(options.container, 'metric', 'taylor');
  resolveComponent(options.container, 'slicer', 'semantic');
  if (variants.some((variant) => variant.strategy === 'deeparc')) {
    resolveComponent(options.container, 'slicer', 'deeparc');
  }
  const training = { ...DEFAULT_INCREMENTAL_TRAINING, ...(options.training ?? {}) };
  checkInteger('training.epochs', training.epochs, 1);
  checkInteger('training.batchSize', training.batchSize, 1);
  checkInteger('training.fisherSamples', training.fisherSamples, 1);
  checkNumberInRange('training.learningRate', training.learningRate, Number.EPSILON, 10);
  checkNumberInRange('training.ewcLambda', training.ewcLambda, 0, 1e12);
  return {
    variants: variants.map((variant) => variant.id),
    ...(options.taskA ? { taskA: [...options.taskA] } : {}),
    ...(options.taskB ? { taskB: [...options.taskB] } : {}),
    theta: checkNumberInRange('theta', options.theta ?? 0.95, Number.EPSILON, 1),
    slicingPerClass: checkInteger('slicingPerClass', options.slicingPerClass ?? 500, 1),
    training,
    ...(options.trainPerClass !== undefined
      ? { trainPerClass: checkInteger('trainPerClass', options.trainPerClass, 1) }
      : {}),
    ...(options.testSamples !== undefined
      ? { testSamples: checkInteger('testSamples', options.testSamples, 1) }
      : {}),
  };
}

function pointKey(setting: string, seed: number, variant: string): string {
  return `${setting}|seed=${seed}|${variant}`;
}

function firstHalf(numClasses: number): number[] {
  return Array.from({ length: Math.floor(numClasses / 2) }, (_, label) => label);
}

/**
 * The incremental-development study of paper §5.5 (RQ4, Table 6): per setting and seed, a model
 * trained on task A (cached, shared with other studies), its Taylor + semantic slice on A, then
 * every strategy learns task B from that model: task A, task B, their mean, BWT and seconds,
 * mean ± std over seeds, beside the paper's figures. Each finished run is checkpointed.
 */
export async function runIncrementalStudy(
  options: IncrementalStudyOptions,
): Promise<IncrementalStudyResult> {
  const startedAt = Date.now();
  const plan = checkPlan(options);
  const variants = options.variants ?? TABLE6_VARIANTS;
  const { container, log } = options;
  const maintainer = resolveComponent(container, 'maintainer', 'incremental');
  const taskAOf = (data: StudyData) => plan.taskA ?? firstHalf(data.train.numClasses);
  const { points } = await runStudyLoop<IncrementalPoint>(options, {
    checkpoint: 'incremental-table6.checkpoint.json',
    plan,
    keys: (setting, seed) => variants.map((variant) => pointKey(setting.id, seed, variant.id)),
    original: (setting, seed, data) =>
      options.taskAModel
        ? options.taskAModel(setting, seed, data, taskAOf(data))
        : studyOriginal({ cacheDir: options.cacheDir, log }, setting, seed, data, {
            classes: taskAOf(data),
            onProgress: options.onProgress,
          }),
    task: 'study incremental',
    figures: (point) => ({ taskA: point.taskA, taskB: point.taskB, mean: point.mean }),
    run: async ({ setting, seed, data, model, point }) => {
      const taskA = taskAOf(data);
      const slice = await taskASlice(model, setting, seed, data.train, taskA, plan, options);
      const trainData =
        plan.trainPerClass === undefined
          ? data.train
          : samplePerClass(data.train, plan.trainPerClass, seed);
      for (const variant of variants) {
        await point(pointKey(setting.id, seed, variant.id), async () => {
          log?.(`${setting.label} seed ${seed}: ${variant.label}`);
          const report = await maintainPoint(
            maintainer,
            {
              model,
              slice,
              trainData,
              testData: data.test,
              options: {
                strategy: variant.strategy,
                ...variant.options,
                taskA,
                ...(plan.taskB ? { taskB: plan.taskB } : {}),
                epochs: plan.training.epochs,
                learningRate: plan.training.learningRate,
                batchSize: plan.training.batchSize,
                seed,
                ...(variant.strategy === 'ewc'
                  ? {
                      ewcLambda: plan.training.ewcLambda,
                      fisherSamples: plan.training.fisherSamples,
                    }
                  : {}),
                ...(plan.testSamples !== undefined ? { testSamples: plan.testSamples } : {}),
              },
            },
            options,
          );
          const figures = report.figures;
          return {
            setting: setting.id,
            seed,
            variant: variant.id,
            taskA: figures.taskA,
            taskB: figures.taskB,
            mean: figures.mean,
            bwt: figures.bwt,
            taskABefore: figures.taskABefore,
            taskAIncremental: figures.taskAIncremental,
            taskBIncremental: figures.taskBIncremental,
            seconds: figures.seconds,
            trainSeconds: figures.trainSeconds,
            trainedShare: figures.trainedShare,
            bytesKeptFromTaskA: figures.bytesKeptFromTaskA,
            ...(figures.redundantLayers !== undefined
              ? { redundantLayers: figures.redundantLayers }
              : {}),
          };
        });
      }
    },
  });
  const files = writeIncrementalReport({
    ...studyReportBase(options, startedAt, 'runIncrementalStudy (library call)'),
    points,
    variants,
    plan: { ...plan },
  });
  return { points, files, elapsedSeconds: (Date.now() - startedAt) / 1000 };
}

/** The task-A slice of a setting and seed, from the cache when made for the same weights. */
async function taskASlice(
  model: NeuronModel,
  setting: StudySetting,
  seed: number,
  train: LabeledDataset,
  taskA: readonly number[],
  plan: StudyPlan,
  options: IncrementalStudyOptions,
): Promise<Slice> {
  const file = path.join(
    options.cacheDir,
    `${setting.id}-classes-${taskA.join('_')}-seed-${seed}-taylor-semantic-theta-${plan.theta}-${plan.slicingPerClass}pc.slice.json`,
  );
  return cachedSlice(file, model, () => {
    options.log?.(`${setting.label} seed ${seed}: slicing task A with taylor + semantic`);
    return resolveComponent(options.container, 'slicer', 'semantic').slice({
      model,
      data: samplePerClass(classSubset(train, taskA), plan.slicingPerClass, seed),
      metric: resolveComponent(options.container, 'metric', 'taylor'),
      options: { theta: plan.theta },
      onProgress: options.onProgress,
    });
  });
}
