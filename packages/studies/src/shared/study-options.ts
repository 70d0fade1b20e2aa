import type * as tf from '@tensorflow/tfjs';
import {
  checkInteger,
  type LabeledDataset,
  type ProgressListener,
  resolveComponent,
  UsageError,
} from '@neusemslice/core';
import type { DependencyContainer } from 'tsyringe';
import type { StudySetting } from './settings';

/**
 * The options and checks every study shares: its settings, seeds, data, cache and output
 * directories and provenance, plus the slicing of a trained original (restructure, readapt).
 */

/** A setting's train and test splits. */
export interface StudyData {
  train: LabeledDataset;
  test: LabeledDataset;
}

/** What every study takes. */
export interface StudyBaseOptions {
  /** Holds the components the study resolves by name. */
  container: DependencyContainer;
  settings: readonly StudySetting[];
  /** One original model (and slice) per seed; figures are mean ± std over seeds. */
  seeds: readonly number[];
  /** Loads a setting's train and test splits. */
  loadData: (setting: StudySetting) => Promise<StudyData>;
  /** Trained originals are cached here, with the slices and the checkpoint of finished runs. */
  cacheDir: string;
  /** Where the study's CSV and Markdown go. */
  outDir: string;
  /** Recorded in the outputs. */
  command?: string;
  backend?: string;
  onProgress?: ProgressListener;
  log?: (line: string) => void;
}

/** How a study slices each original: by metric and slicer names. */
export interface StudySlicingOptions {
  /** Default 'taylor'. */
  metric?: string;
  /** Default 'semantic'. */
  slicer?: string;
  /** Default { theta: 0.95 }. */
  slicerOptions?: Record<string, unknown>;
  /** Training samples per class to slice on (seeded); default 500 (as `neusemslice slice`). */
  slicingPerClass?: number;
}

/** The checked slicing of a study, part of its checkpoint's configuration. */
export interface StudySlicing {
  metric: string;
  slicer: string;
  slicerOptions: Record<string, unknown>;
  slicingPerClass: number;
}

/** A study of each setting's trained original and its slice (restructure, readapt). */
export interface OriginalStudyOptions extends StudyBaseOptions, StudySlicingOptions {
  /** Evaluate on the first n test samples only; default all. */
  testSamples?: number;
  /** The trained original of a setting and seed; default `ensureTrainedModel` with the cache. */
  originalModel?: (setting: StudySetting, seed: number, data: StudyData) => Promise<tf.LayersModel>;
}

/** Refuses empty settings or seeds and seeds that are not whole numbers ≥ 0. */
export function checkSettingsAndSeeds(options: StudyBaseOptions): void {
  if (options.settings.length === 0) throw new UsageError('settings: give at least one setting');
  if (options.seeds.length === 0) throw new UsageError('seeds: give at least one seed');
  options.seeds.forEach((seed) => checkInteger('seed', seed, 0));
}

/** The slicing with its defaults, its metric and slicer resolved (unknown names refused). */
export function checkSlicing(
  options: StudySlicingOptions & { container: DependencyContainer },
): StudySlicing {
  const metric = options.metric ?? 'taylor';
  const slicer = options.slicer ?? 'semantic';
  resolveComponent(options.container, 'metric', metric);
  resolveComponent(options.container, 'slicer', slicer);
  return {
    metric,
    slicer,
    slicerOptions: { ...(options.slicerOptions ?? { theta: 0.95 }) },
    slicingPerClass: checkInteger('slicingPerClass', options.slicingPerClass ?? 500, 1),
  };
}

/** The checked `testSamples` option: undefined (all) or a whole number ≥ 1. */
export function checkTestSamples(testSamples: number | undefined): number | undefined {
  return testSamples === undefined ? undefined : checkInteger('testSamples', testSamples, 1);
}
