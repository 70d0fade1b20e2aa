import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  checkInteger,
  firstSamples,
  NeuronModel,
  type ProgressListener,
  resolveComponent,
  UsageError,
} from '@neusemslice/core';
import { samplePerClass } from '@neusemslice/data';
import type { DependencyContainer } from 'tsyringe';
import { type IncrementalPoint, runIncrementalStudy } from '../incremental/incremental-study';
import { TABLE6_VARIANTS } from '../incremental/paper-table6';
import { runMaskingStudy } from '../masking-study';
import { type ReadaptPoint, runReadaptStudy } from '../readapt/readapt-study';
import { type RestructurePoint, runRestructureStudy } from '../restructure/restructure-study';
import { CheckpointStore } from '../shared/checkpoint-store';
import { machineLine } from '../shared/report-header';
import type { StudySetting } from '../shared/settings';
import type { StudyData } from '../shared/study-options';
import { ensureTrainedModel } from '../shared/trained-models';
import {
  checkReproductionBudget,
  REPRODUCTION_QUESTIONS,
  type ReproductionBudget,
  type ReproductionQuestion,
  reproductionBudget,
} from './reproduction-budget';
import { type ReproductionTables, writeReproductionReport } from './reproduction-report';
import { type MaskingSeedSummary, summarizeMaskingRun } from './rq1-summary';

/**
 * One call that reproduces the paper's evaluation: RQ1 (masking, Figure 5), RQ2 (restructuring,
 * Table 4), RQ3 (re-adaptation, Table 5) and RQ4 (incremental development, Table 6) for each
 * setting over seeds, then one report with every table as mean ± std beside the paper's figures.
 *
 * Resumable: each step (a question, setting and seed) is recorded in a checkpoint written
 * atomically when it finishes, and the studies checkpoint each of their runs inside a step, so a
 * run killed at any moment continues where it stopped. Each question's checkpoints live in a
 * folder of the cache named by a hash of the part of the budget it uses: another configuration
 * never mixes with this one's steps, and changing one question's budget reruns only that question.
 */

export interface ReproductionOptions {
  /** Holds every metric, slicer, pruner, attack and maintainer the budget names. */
  container: DependencyContainer;
  settings: readonly StudySetting[];
  /** One trained original per setting and seed; figures are mean ± std over seeds. */
  seeds: readonly number[];
  loadData: (setting: StudySetting) => Promise<StudyData>;
  /**
   * Why a setting's data is not on this machine (it is skipped and the report says so), or
   * undefined when it is there. Default: every setting's data is assumed present.
   */
  missingData?: (setting: StudySetting) => string | undefined;
  /** Default all four, in order. */
  questions?: readonly ReproductionQuestion[];
  /** A preset name (`tiny`, `small`, `full`) or a budget; default `small`. */
  budget?: string | ReproductionBudget;
  /** Trained originals (shared with the `study` commands) and the reproduction's checkpoints. */
  cacheDir: string;
  /** The report (Markdown), e.g. docs/results/reproduction.md. */
  out: string;
  /** The studies' own tables and the RQ1 runs' files; default `out` without `.md`. */
  detailsDir?: string;
  /** Recorded in the report. */
  command?: string;
  backend?: string;
  /** Versions to state besides Node, tfjs and this package's, e.g. the CLI's. */
  versions?: Record<string, string>;
  onProgress?: ProgressListener;
  log?: (line: string) => void;
  /** The trained original of a setting and seed; default `ensureTrainedModel` in `cacheDir`. */
  originalModel?: (setting: StudySetting, seed: number, data: StudyData) => Promise<tf.LayersModel>;
  /** The task-A model of RQ4; default `ensureTrainedModel` with `classes: taskA`. */
  taskAModel?: (
    setting: StudySetting,
    seed: number,
    data: StudyData,
    taskA: readonly number[],
  ) => Promise<tf.LayersModel>;
}

/** What each finished step leaves in the checkpoint. */
export interface ReproductionStepRecord {
  question: ReproductionQuestion;
  setting: string;
  seed: number;
  seconds: number;
  finishedAt: string;
  /** RQ1 only: the masking run's figures. */
  rq1?: MaskingSeedSummary;
}

export interface ReproductionResult {
  /** The report's path. */
  report: string;
  detailsDir: string;
  /** The folder of each question's checkpoints (named by a hash of its part of the budget). */
  checkpointDirs: Partial<Record<ReproductionQuestion, string>>;
  budget: string;
  settings: string[];
  seeds: number[];
  skipped: { setting: string; reason: string }[];
  steps: { total: number; computed: number; reused: number };
  tables: ReproductionTables;
  /** Wall time of this call; `computeSeconds` sums every step's time over all calls. */
  elapsedSeconds: number;
  computeSeconds: number;
}

interface Step {
  question: ReproductionQuestion;
  setting: StudySetting;
  seed: number;
  key: string;
}

const QUESTION_LABELS: Record<ReproductionQuestion, string> = {
  rq1: 'RQ1 masking',
  rq2: 'RQ2 restructure',
  rq3: 'RQ3 readapt',
  rq4: 'RQ4 incremental',
};

function stepKey(question: ReproductionQuestion, setting: string, seed: number): string {
  return `${question}|${setting}|seed=${seed}`;
}

/** Versions of Node, tfjs and this package, plus the caller's. */
function collectVersions(extra: Record<string, string> = {}): Record<string, string> {
  let studies = 'unknown';
  try {
    // src/reproduce and dist/reproduce both sit two folders below the package root.
    studies = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'),
    ).version;
  } catch {
    // Bundled without its package.json: say unknown.
  }
  return {
    '@neusemslice/studies': studies,
    ...extra,
    '@tensorflow/tfjs': tf.version.tfjs,
    node: process.version,
  };
}

/** The part of the budget a question's steps depend on, as its checkpoints' configuration. */
function questionConfiguration(budget: ReproductionBudget, question: ReproductionQuestion): string {
  const parts: Record<ReproductionQuestion, unknown> = {
    rq1: budget.rq1,
    rq2: { slice: budget.slice, rq2: budget.rq2 },
    rq3: { slice: budget.slice, rq3: budget.rq3 },
    rq4: { theta: budget.slice.theta, rq4: budget.rq4 },
  };
  return JSON.stringify({ format: 2, question, budget: parts[question] });
}

/** Refuses unknown component names before any work. */
function checkComponents(
  container: DependencyContainer,
  budget: ReproductionBudget,
  questions: readonly ReproductionQuestion[],
): void {
  if (questions.includes('rq1')) {
    for (const metric of budget.rq1.metrics) resolveComponent(container, 'metric', metric);
    for (const slicer of ['global', 'category-wise', 'semantic']) {
      resolveComponent(container, 'slicer', slicer);
    }
  }
  if (questions.some((question) => question !== 'rq1')) {
    resolveComponent(container, 'metric', budget.slice.metric);
    resolveComponent(container, 'slicer', 'semantic');
  }
  if (questions.includes('rq2')) {
    resolveComponent(container, 'maintainer', 'prune');
    for (const pruner of budget.rq2.pruners) resolveComponent(container, 'pruner', pruner);
  }
  if (questions.includes('rq3')) {
    resolveComponent(container, 'maintainer', 'readapt');
    for (const attack of budget.rq3.attacks) resolveComponent(container, 'attack', attack);
  }
  if (questions.includes('rq4')) resolveComponent(container, 'maintainer', 'incremental');
}

function checkQuestions(questions: readonly string[]): ReproductionQuestion[] {
  if (questions.length === 0) throw new UsageError('questions: give at least one of rq1 … rq4');
  for (const question of questions) {
    if (!(REPRODUCTION_QUESTIONS as readonly string[]).includes(question)) {
      throw new UsageError(
        `questions: unknown question '${question}' (expected ${REPRODUCTION_QUESTIONS.join(' | ')})`,
      );
    }
  }
  return REPRODUCTION_QUESTIONS.filter((question) => questions.includes(question));
}

/** Seconds left, from each question's mean step time (any setting), else all steps' mean. */
function estimateSecondsLeft(
  remaining: readonly Step[],
  finished: readonly ReproductionStepRecord[],
): number | undefined {
  if (finished.length === 0) return undefined;
  const mean = (records: readonly ReproductionStepRecord[]) =>
    records.reduce((sum, record) => sum + record.seconds, 0) / records.length;
  const overall = mean(finished);
  return remaining.reduce((sum, step) => {
    const same = finished.filter((record) => record.question === step.question);
    return sum + (same.length > 0 ? mean(same) : overall);
  }, 0);
}

/** Runs the reproduction (see the file comment); writes the report and returns its figures. */
export async function runReproduction(options: ReproductionOptions): Promise<ReproductionResult> {
  const startedAt = Date.now();
  const loadAverageAtStart = os.loadavg()[0];
  const budget = checkReproductionBudget(
    typeof options.budget === 'object'
      ? options.budget
      : reproductionBudget(options.budget ?? 'small'),
  );
  const questions = checkQuestions(options.questions ?? REPRODUCTION_QUESTIONS);
  if (options.settings.length === 0) throw new UsageError('settings: give at least one setting');
  if (options.seeds.length === 0) throw new UsageError('seeds: give at least one seed');
  options.seeds.forEach((seed) => checkInteger('seed', seed, 0));
  if (!options.out.endsWith('.md')) {
    throw new UsageError(`out: the report is Markdown, give a .md file (got ${options.out})`);
  }
  checkComponents(options.container, budget, questions);
  const { container, log, onProgress, command, backend } = options;
  const detailsDir = options.detailsDir ?? options.out.replace(/\.md$/, '');

  const skipped: { setting: string; reason: string }[] = [];
  const settings = options.settings.filter((setting) => {
    const reason = options.missingData?.(setting);
    if (reason !== undefined) {
      skipped.push({ setting: setting.id, reason });
      log?.(`skipping ${setting.label}: ${reason}`);
    }
    return reason === undefined;
  });
  if (settings.length === 0) {
    throw new UsageError(
      `settings: the data of every setting is missing (${skipped.map((entry) => `${entry.setting}: ${entry.reason}`).join('; ')})`,
    );
  }

  // One checkpoint folder per question, named by a hash of the budget part it uses: changing
  // one question's budget reruns that question only, never mixing two configurations.
  const checkpointDirs: Partial<Record<ReproductionQuestion, string>> = {};
  const stores: Partial<Record<ReproductionQuestion, CheckpointStore<ReproductionStepRecord>>> = {};
  for (const question of questions) {
    const configuration = questionConfiguration(budget, question);
    const hash = createHash('sha256').update(configuration).digest('hex').slice(0, 12);
    const directory = path.join(options.cacheDir, `reproduce-${question}-${hash}`);
    fs.mkdirSync(path.join(directory, 'study-outputs'), { recursive: true });
    checkpointDirs[question] = directory;
    stores[question] = new CheckpointStore<ReproductionStepRecord>(
      path.join(directory, 'steps.checkpoint.json'),
      configuration,
    );
  }
  fs.mkdirSync(detailsDir, { recursive: true });
  const storeOf = (question: ReproductionQuestion) =>
    stores[question] as CheckpointStore<ReproductionStepRecord>;
  const dirOf = (question: ReproductionQuestion) => checkpointDirs[question] as string;
  const isDone = (step: Step) => storeOf(step.question).has(step.key);

  // Setting by setting (its data loaded once), then question, then seed.
  const steps: Step[] = settings.flatMap((setting) =>
    questions.flatMap((question) =>
      options.seeds.map((seed) => ({
        question,
        setting,
        seed,
        key: stepKey(question, setting.id, seed),
      })),
    ),
  );

  let loaded: { id: string; data: StudyData } | undefined;
  const loadData = async (setting: StudySetting): Promise<StudyData> => {
    if (loaded?.id !== setting.id) {
      loaded = undefined; // let the previous setting's data go before loading the next
      loaded = { id: setting.id, data: await options.loadData(setting) };
    }
    return loaded.data;
  };
  // Originals trained in this call and read from the cache, for the report.
  const originals = { trained: 0, cached: 0 };
  const trained = async (request: Parameters<typeof ensureTrainedModel>[0]) => {
    const model = await ensureTrainedModel(request);
    originals[model.cached ? 'cached' : 'trained']++;
    return model.model;
  };
  const originalModel =
    options.originalModel ??
    ((setting: StudySetting, seed: number, data: StudyData) =>
      trained({
        setting,
        seed,
        train: data.train,
        test: data.test,
        cacheDir: options.cacheDir,
        onProgress,
        log,
      }));
  const taskAModel =
    options.taskAModel ??
    ((setting: StudySetting, seed: number, data: StudyData, taskA: readonly number[]) =>
      trained({
        setting,
        seed,
        train: data.train,
        test: data.test,
        cacheDir: options.cacheDir,
        classes: taskA,
        onProgress,
        log,
      }));
  const variants = TABLE6_VARIANTS.filter((variant) => budget.rq4.variants.includes(variant.id));

  /** The options every study call shares; `outDir` is scratch for steps, details at the end. */
  const studyOptions = (
    question: ReproductionQuestion,
    studySettings: readonly StudySetting[],
    seeds: readonly number[],
    outDir: string,
  ) => ({
    container,
    settings: studySettings,
    seeds,
    loadData,
    cacheDir: dirOf(question),
    outDir,
    command: command ?? 'runReproduction (library call)',
    backend,
    onProgress,
    log,
    originalModel,
  });
  const sliceOptions = {
    metric: budget.slice.metric,
    slicer: 'semantic',
    slicerOptions: { theta: budget.slice.theta },
    slicingPerClass: budget.slice.slicingPerClass,
  };
  const restructure = (
    studySettings: readonly StudySetting[],
    seeds: readonly number[],
    out: string,
  ) =>
    runRestructureStudy({
      ...studyOptions('rq2', studySettings, seeds, out),
      ...sliceOptions,
      pruners: budget.rq2.pruners,
      maxIterations: budget.rq2.maxIterations,
      tolerance: budget.rq2.tolerance,
      fineTune: { samples: budget.rq2.fineTuneSamples, epochs: budget.rq2.fineTuneEpochs },
      testSamples: budget.rq2.testSamples,
    });
  const readapt = (studySettings: readonly StudySetting[], seeds: readonly number[], out: string) =>
    runReadaptStudy({
      ...studyOptions('rq3', studySettings, seeds, out),
      ...sliceOptions,
      attacks: budget.rq3.attacks,
      strategies: budget.rq3.strategies,
      retraining: {
        epochs: budget.rq3.epochs,
        epochsBySetting: budget.rq3.epochsBySetting,
        samples: budget.rq3.samples,
        steps: budget.rq3.steps,
        stepSize: budget.rq3.stepSize,
      },
      testSamples: budget.rq3.testSamples,
    });
  const incremental = (
    studySettings: readonly StudySetting[],
    seeds: readonly number[],
    out: string,
  ) =>
    runIncrementalStudy({
      ...studyOptions('rq4', studySettings, seeds, out),
      variants,
      theta: budget.slice.theta,
      slicingPerClass: budget.rq4.slicingPerClass,
      training: {
        epochs: budget.rq4.epochs,
        fisherSamples: budget.rq4.fisherSamples,
        ewcLambda: budget.rq4.ewcLambda,
      },
      trainPerClass: budget.rq4.trainPerClass,
      testSamples: budget.rq4.testSamples,
      taskAModel,
    });

  const maskingRun = async (setting: StudySetting, seed: number): Promise<MaskingSeedSummary> => {
    const data = await loadData(setting);
    const original = await originalModel(setting, seed, data);
    try {
      const result = await runMaskingStudy({
        container,
        model: new NeuronModel(original),
        modelLabel: `${setting.label} seed ${seed}`,
        slicingData: samplePerClass(data.train, budget.rq1.slicingPerClass, seed),
        testData: firstSamples(data.test, budget.rq1.testSamples),
        metrics: [...budget.rq1.metrics],
        ...(budget.rq1.keepRatios ? { keepRatios: [...budget.rq1.keepRatios] } : {}),
        ...(budget.rq1.thetas ? { thetas: [...budget.rq1.thetas] } : {}),
        ...(budget.rq1.bands ? { bands: budget.rq1.bands.map(([a, b]) => [a, b]) } : {}),
        outDir: path.join(detailsDir, 'rq1'),
        onProgress,
        command: command ?? 'runReproduction (library call)',
        seed,
        backend,
        resume: true,
      });
      return summarizeMaskingRun(
        result,
        setting.id,
        seed,
        path.relative(detailsDir, result.files.summary).split(path.sep).join('/'),
      );
    } finally {
      original.dispose();
    }
  };

  const runStep = async (step: Step): Promise<MaskingSeedSummary | undefined> => {
    const only = [step.setting];
    const seeds = [step.seed];
    switch (step.question) {
      case 'rq1':
        return maskingRun(step.setting, step.seed);
      case 'rq2':
        await restructure(only, seeds, path.join(dirOf('rq2'), 'study-outputs'));
        return undefined;
      case 'rq3':
        await readapt(only, seeds, path.join(dirOf('rq3'), 'study-outputs'));
        return undefined;
      case 'rq4':
        await incremental(only, seeds, path.join(dirOf('rq4'), 'study-outputs'));
        return undefined;
    }
  };

  const recordsOf = () =>
    steps
      .filter(isDone)
      .map((step) => storeOf(step.question).get(step.key) as ReproductionStepRecord);
  let computed = 0;
  const reused = recordsOf().length;
  const report = (stepsDone: number) =>
    onProgress?.({
      task: 'reproduce',
      done: stepsDone,
      total: steps.length,
      etaSeconds: estimateSecondsLeft(
        steps.filter((step) => !isDone(step)),
        recordsOf(),
      ),
    });
  report(reused);
  if (reused > 0) log?.(`reproduce: ${reused} of ${steps.length} steps already done (checkpoint)`);
  for (const [index, step] of steps.entries()) {
    if (isDone(step)) continue;
    log?.(
      `reproduce step ${index + 1}/${steps.length}: ${QUESTION_LABELS[step.question]}, ${step.setting.label}, seed ${step.seed}`,
    );
    const stepStartedAt = Date.now();
    const rq1 = await runStep(step);
    storeOf(step.question).set(step.key, {
      question: step.question,
      setting: step.setting.id,
      seed: step.seed,
      seconds: (Date.now() - stepStartedAt) / 1000,
      finishedAt: new Date().toISOString(),
      ...(rq1 ? { rq1 } : {}),
    });
    computed++;
    report(reused + computed);
  }
  loaded = undefined;

  // Every run is checkpointed now: the studies read them back and write their full tables.
  log?.('reproduce: writing the tables');
  const seeds = [...options.seeds];
  const restructurePoints: RestructurePoint[] = questions.includes('rq2')
    ? (await restructure(settings, seeds, detailsDir)).points
    : [];
  const readaptPoints: ReadaptPoint[] = questions.includes('rq3')
    ? (await readapt(settings, seeds, detailsDir)).points
    : [];
  const incrementalPoints: IncrementalPoint[] = questions.includes('rq4')
    ? (await incremental(settings, seeds, detailsDir)).points
    : [];
  const records = recordsOf();
  const computeSeconds = records.reduce((sum, record) => sum + record.seconds, 0);
  const elapsedSeconds = (Date.now() - startedAt) / 1000;
  const tables = writeReproductionReport({
    out: options.out,
    detailsDir,
    budget,
    questions,
    settings,
    seeds,
    skipped,
    rq1: records.flatMap((record) => (record.rq1 ? [record.rq1] : [])),
    restructurePoints,
    readaptPoints,
    incrementalPoints,
    variants,
    command: command ?? 'runReproduction (library call)',
    backend,
    machine: machineLine(),
    loadAverage: { start: loadAverageAtStart, end: os.loadavg()[0] },
    versions: collectVersions(options.versions),
    startedAt: new Date(startedAt),
    elapsedSeconds,
    computeSeconds,
    steps: { total: steps.length, computed, reused },
    stepRecords: records,
    ...(options.originalModel ? {} : { originals }),
  });
  return {
    report: options.out,
    detailsDir,
    checkpointDirs,
    budget: budget.name,
    settings: settings.map((setting) => setting.id),
    seeds,
    skipped,
    steps: { total: steps.length, computed, reused },
    tables,
    elapsedSeconds,
    computeSeconds,
  };
}
