import {
  checkInteger,
  checkNumberInRange,
  createSlice,
  evaluateAccuracy,
  type NeuronModel,
  resolveComponent,
  type Slice,
  UsageError,
  firstSamples,
} from '@neusemslice/core';
import type { DependencyContainer } from 'tsyringe';
import { studySlice } from '../shared/cached-slice';
import { studyReportBase } from '../shared/report-header';
import type { StudySetting } from '../shared/settings';
import { maintainPoint, runStudyLoop } from '../shared/study-loop';
import {
  checkSettingsAndSeeds,
  checkSlicing,
  checkTestSamples,
  type OriginalStudyOptions,
  type StudySlicing,
} from '../shared/study-options';
import { studyOriginal } from '../shared/trained-models';
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

export interface RestructureStudyOptions extends OriginalStudyOptions {
  /** Holds the metric, slicer, pruners and the `prune` and `restructure` maintainers. */
  container: DependencyContainer;
  /** Pruner names; default the four of Table 4. */
  pruners?: readonly string[];
  /** Where restructure-table4.{csv,md} and restructure-table4-runs.csv go. */
  outDir: string;
  /** Share p per iteration; default `defaultPruningStep(setting)`. */
  step?: number;
  /** δ in accuracy points; default 1. */
  tolerance?: number;
  /** Iteration cap of each run; default 15. */
  maxIterations?: number;
  fineTune?: Partial<StudyFineTune>;
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
interface StudyPlan extends StudySlicing {
  pruners: string[];
  step?: number;
  tolerance: number;
  maxIterations: number;
  fineTune: StudyFineTune;
  testSamples?: number;
}

function checkPlan(options: RestructureStudyOptions): StudyPlan {
  checkSettingsAndSeeds(options);
  const pruners = [...(options.pruners ?? TABLE4_PRUNERS)];
  if (pruners.length === 0) throw new UsageError('pruners: give at least one pruner');
  for (const pruner of pruners) resolveComponent(options.container, 'pruner', pruner);
  resolveComponent(options.container, 'maintainer', 'prune');
  const slicing = checkSlicing(options);
  const fineTune = { ...DEFAULT_STUDY_FINE_TUNE, ...(options.fineTune ?? {}) };
  checkInteger('fineTune.samples', fineTune.samples, 1);
  checkInteger('fineTune.epochs', fineTune.epochs, 1);
  return {
    pruners,
    ...slicing,
    step:
      options.step === undefined
        ? undefined
        : checkNumberInRange('step', options.step, Number.EPSILON, 1 - Number.EPSILON),
    tolerance: checkNumberInRange('tolerance', options.tolerance ?? 1, 0, 100),
    maxIterations: checkInteger('maxIterations', options.maxIterations ?? 15, 1),
    fineTune,
    testSamples: checkTestSamples(options.testSamples),
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
  const prune = resolveComponent(container, 'maintainer', 'prune');
  const { points } = await runStudyLoop<RestructurePoint>(options, {
    checkpoint: 'restructure-table4.checkpoint.json',
    plan,
    keys: (setting, seed) =>
      plan.pruners.flatMap((pruner) =>
        RESTRUCTURE_VARIANTS.map((variant) => pointKey(setting.id, seed, pruner, variant)),
      ),
    original: (setting, seed, data) => studyOriginal(options, setting, seed, data),
    task: 'study restructure',
    figures: (point) => ({
      compressionRate: point.compressionRate,
      iterations: point.iterations,
      testAccuracy: point.testAccuracy,
    }),
    run: async ({ setting, seed, data, model, point }) => {
      const step = plan.step ?? defaultPruningStep(setting);
      const testData = firstSamples(data.test, plan.testSamples);
      const originalTestAccuracy = (await evaluateAccuracy(model, testData, { batchSize: 512 }))
        .accuracy;
      const slice = await studySlice(model, setting, seed, data.train, plan, options);
      for (const pruner of plan.pruners) {
        for (const variant of RESTRUCTURE_VARIANTS) {
          await point(pointKey(setting.id, seed, pruner, variant), async () => {
            log?.(
              `${setting.label} seed ${seed}: ${pruner} ${variant === 'slice' ? 'after the slice' : 'alone'}`,
            );
            const report = await maintainPoint(
              prune,
              {
                model,
                slice: variant === 'slice' ? slice : keepEverything(model),
                trainData: data.train,
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
              },
              options,
            );
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
          });
        }
      }
    },
  });
  const files = writeRestructureReport({
    ...studyReportBase(options, startedAt, 'runRestructureStudy (library call)'),
    points,
    pruners: plan.pruners,
    plan: { ...plan, stepBySetting: stepsBySetting(options.settings, plan.step) },
  });
  return { points, files, elapsedSeconds: (Date.now() - startedAt) / 1000 };
}

function stepsBySetting(settings: readonly StudySetting[], step?: number): Record<string, number> {
  return Object.fromEntries(
    settings.map((setting) => [setting.label, step ?? defaultPruningStep(setting)]),
  );
}
