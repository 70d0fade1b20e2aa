import * as path from 'node:path';
import { checkInteger, firstSamples, UsageError, writeFileAtomic } from '@neusemslice/core';
import { samplePerClass } from '@neusemslice/data';
import {
  DEFAULT_BANDS,
  DEFAULT_EXTRA_KEEP_RATIOS,
  DEFAULT_KEEP_RATIOS,
  DEFAULT_THETAS,
  type MaskingStudyFiles,
  type MaskingStudyOptions,
  runMaskingStudy,
} from './masking-study';
import { maskingSettingMarkdown, type MaskingModelRun } from './masking-setting-report';
import { slugify } from './provenance';
import { DEFAULT_MASK_FILL } from './rq1/masked-evaluation';
import { studyReportBase } from './shared/report-header';
import type { StudySetting } from './shared/settings';
import { runStudyLoop } from './shared/study-loop';
import type { StudyBaseOptions } from './shared/study-options';
import { studyOriginal } from './shared/trained-models';

export type { MaskingModelRun } from './masking-setting-report';

/**
 * The masking study (RQ1) of one setting over several trained models: `runMaskingStudy` on each
 * seed's original (trained or loaded by `ensureTrainedModel`), each writing its own files, and one
 * summary with every model's counts against issue 12's targets.
 */

/** Issue 12's target per setting id: the share of (metric, Θ) points at or above the better baseline. */
export const RQ1_PASS_TARGETS: Readonly<Record<string, number>> = {
  'mlp-mnist': 0.9,
  'mlp-fashion-mnist': 0.9,
  'lenet5-fashion-mnist': 0.8,
};

/** The options of one model's study that stay the same for every seed. */
type PerModelOptions = Pick<
  MaskingStudyOptions,
  | 'metrics'
  | 'bands'
  | 'keepRatios'
  | 'extraKeepRatios'
  | 'thetas'
  | 'deepArcThreshold'
  | 'slicerOptions'
  | 'tolerance'
  | 'batchSize'
  | 'randomDraws'
  | 'fill'
>;

export interface MaskingSettingStudyOptions
  extends Omit<StudyBaseOptions, 'settings'>, PerModelOptions {
  setting: StudySetting;
  /** Names the output files (slugged) and titles; default the setting's label. */
  label?: string;
  /** Training samples per class to slice on, drawn with each model's seed; default 500. */
  slicingPerClass?: number;
  /** Evaluate on the first n test samples only; default all. */
  testSamples?: number;
  /** The trained original of a seed; default `ensureTrainedModel` with `cacheDir`. */
  originalModel?: Parameters<typeof studyOriginal>[0]['originalModel'];
}

export interface MaskingSettingStudyResult {
  runs: MaskingModelRun[];
  /** The setting's summary (per-model counts, totals, targets). */
  files: { summary: string };
  elapsedSeconds: number;
}

/** `masking-<label slug>-seed-<n>`: the label one model's study writes its files under. */
export function maskingModelLabel(label: string, seed: number): string {
  return `${label} seed ${seed}`;
}

/** The file the setting's summary is written to in `outDir`. */
export function maskingSettingSummaryFile(outDir: string, label: string): string {
  return path.join(outDir, `masking-${slugify(label)}-summary.md`);
}

/**
 * Runs the masking study on each seed's model of the setting (a seed finished by an earlier run
 * is read from the checkpoint in `cacheDir`; an interrupted one resumes at its last finished
 * metric) and writes the setting's summary.
 */
export async function runMaskingSettingStudy(
  options: MaskingSettingStudyOptions,
): Promise<MaskingSettingStudyResult> {
  const startedAt = Date.now();
  const { setting } = options;
  if (options.seeds.length === 0) throw new UsageError('seeds: give at least one seed');
  options.seeds.forEach((seed) => checkInteger('seed', seed, 0));
  const label = options.label ?? setting.label;
  if (label.trim() === '') throw new UsageError('label must not be empty');
  const slicingPerClass = checkInteger('slicingPerClass', options.slicingPerClass ?? 500, 1);
  const testSamples =
    options.testSamples === undefined
      ? undefined
      : checkInteger('testSamples', options.testSamples, 1);
  const perModel: PerModelOptions = {
    metrics: options.metrics,
    bands: options.bands ?? DEFAULT_BANDS.map(([from, to]) => [from, to]),
    keepRatios: options.keepRatios ?? [...DEFAULT_KEEP_RATIOS],
    extraKeepRatios: options.extraKeepRatios ?? [...DEFAULT_EXTRA_KEEP_RATIOS],
    thetas: options.thetas ?? [...DEFAULT_THETAS],
    deepArcThreshold: options.deepArcThreshold,
    slicerOptions: options.slicerOptions ?? {},
    tolerance: options.tolerance,
    batchSize: options.batchSize,
    randomDraws: options.randomDraws,
    fill: options.fill ?? DEFAULT_MASK_FILL,
  };

  const { points: runs } = await runStudyLoop<MaskingModelRun>(
    { ...options, settings: [setting] },
    {
      checkpoint: `masking-${slugify(label)}.checkpoint.json`,
      // Seeds are not part of the plan: adding a seed reuses the finished ones.
      plan: { setting: setting.id, label, slicingPerClass, testSamples, ...perModel },
      keys: (_setting, seed) => [`seed ${seed}`],
      original: (_setting, seed, data) => studyOriginal(options, setting, seed, data),
      task: `study masking ${setting.id}`,
      figures: (run) => ({
        seed: run.seed,
        pass: run.checks.filter((check) => check.verdict === 'pass').length,
      }),
      run: async ({ seed, data, model, point }) => {
        await point(`seed ${seed}`, async () => {
          options.log?.(`${label}: masking study of the seed-${seed} model`);
          const result = await runMaskingStudy({
            ...perModel,
            container: options.container,
            model,
            modelLabel: maskingModelLabel(label, seed),
            slicingData: samplePerClass(data.train, slicingPerClass, seed),
            testData: testSamples === undefined ? data.test : firstSamples(data.test, testSamples),
            outDir: options.outDir,
            onProgress: options.onProgress
              ? (event) => options.onProgress?.({ ...event, task: `seed ${seed} ${event.task}` })
              : undefined,
            command: options.command,
            seed,
            backend: options.backend,
            resume: true,
          });
          return {
            seed,
            baseAccuracy: result.baseAccuracy,
            checks: result.checks,
            points: result.points,
            files: Object.fromEntries(
              Object.entries(result.files).map(([what, file]) => [what, path.basename(file)]),
            ) as unknown as MaskingStudyFiles,
            elapsedSeconds: result.elapsedSeconds,
          };
        });
      },
    },
  );

  const summary = maskingSettingSummaryFile(options.outDir, label);
  const base = studyReportBase(
    { ...options, settings: [setting] },
    startedAt,
    'runMaskingSettingStudy (library call)',
  );
  writeFileAtomic(
    summary,
    maskingSettingMarkdown({
      ...base,
      label,
      setting,
      passTarget: RQ1_PASS_TARGETS[setting.id],
      runs,
      perModel: {
        metrics: perModel.metrics,
        keepRatios: perModel.keepRatios ?? [],
        thetas: perModel.thetas ?? [],
        fill: perModel.fill ?? DEFAULT_MASK_FILL,
        slicerOptions: perModel.slicerOptions?.semantic ?? {},
        randomDraws: perModel.randomDraws ?? 5,
        slicingPerClass,
        testSamples,
      },
    }),
  );
  return { runs, files: { summary }, elapsedSeconds: (Date.now() - startedAt) / 1000 };
}
