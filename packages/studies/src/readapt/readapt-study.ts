import {
  checkInteger,
  checkNumberInRange,
  resolveComponent,
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

export interface ReadaptStudyOptions extends OriginalStudyOptions {
  /** Holds the metric, the slicer, the attacks and the `readapt` maintainer. */
  container: DependencyContainer;
  /** Attack names; default fgsm and pgd. */
  attacks?: readonly string[];
  /** Strategies; default the four of Table 5. */
  strategies?: readonly Table5Strategy[];
  /** Where readapt-table5.{csv,md} and readapt-table5-runs.csv go. */
  outDir: string;
  retraining?: Partial<StudyRetraining>;
  /** Clean accuracy on the first n test samples only; default all. */
  testSamples?: number;
  /**
   * Write the report from the runs already in the checkpoint, computing nothing; runs not done
   * are listed in the Markdown as not run.
   */
  reportOnly?: boolean;
  /** Extra lines for the Markdown (e.g. how the checkpointed runs were made). */
  notes?: readonly string[];
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
export interface ReadaptStudyPlan extends StudySlicing {
  attacks: string[];
  strategies: Table5Strategy[];
  retraining: StudyRetraining;
  testSamples?: number;
}

function checkPlan(options: ReadaptStudyOptions): ReadaptStudyPlan {
  checkSettingsAndSeeds(options);
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
  const slicing = checkSlicing(options);
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
    ...slicing,
    retraining,
    testSamples: checkTestSamples(options.testSamples),
  };
}

export function retrainingEpochs(retraining: StudyRetraining, setting: StudySetting): number {
  return retraining.epochsBySetting[setting.id] ?? retraining.epochs;
}

function pointKey(setting: string, seed: number, attack: string, strategy: string): string {
  return `${setting}|seed=${seed}|${attack}|${strategy}`;
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
  const readapt = resolveComponent(container, 'maintainer', 'readapt');
  const { points, missing } = await runStudyLoop<ReadaptPoint>(options, {
    checkpoint: 'readapt-table5.checkpoint.json',
    plan,
    keys: (setting, seed) =>
      plan.attacks.flatMap((attack) =>
        plan.strategies.map((strategy) => pointKey(setting.id, seed, attack, strategy)),
      ),
    original: (setting, seed, data) => studyOriginal(options, setting, seed, data),
    task: 'study readapt',
    figures: (point) => ({ tpr: point.tpr, ra: point.ra, raa: point.raa }),
    reportOnly: options.reportOnly,
    run: async ({ setting, seed, data, model, point }) => {
      const epochs = retrainingEpochs(plan.retraining, setting);
      const testData = firstSamples(data.test, plan.testSamples);
      const slice = await studySlice(model, setting, seed, data.train, plan, options);
      for (const attack of plan.attacks) {
        for (const strategy of plan.strategies) {
          await point(pointKey(setting.id, seed, attack, strategy), async () => {
            log?.(`${setting.label} seed ${seed}: ${attack}, strategy ${strategy}`);
            const { retraining } = plan;
            const report = await maintainPoint(
              readapt,
              {
                model,
                slice,
                trainData: data.train,
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
              },
              options,
            );
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
          });
        }
      }
    },
  });
  const files = writeReadaptReport({
    ...studyReportBase(options, startedAt, 'runReadaptStudy (library call)'),
    points,
    plan,
    missing,
    notes: options.notes ?? [],
  });
  return { points, missing, files, elapsedSeconds: (Date.now() - startedAt) / 1000 };
}
