import type { DependencyContainer } from 'tsyringe';
import {
  UsageError,
  type LabeledDataset,
  type NeuronModel,
  type ProgressListener,
  type Slice,
} from '@neusemslice/core';

const PACKAGE = 'report';

export interface SliceReportOptions {
  /** The model the slice was made for (same topology and weights). */
  model: NeuronModel;
  /** The slice to show. */
  slice: Slice;
  /** A second slice of the same architecture: per layer, neurons gained, lost and kept. */
  compare?: Slice;
  /** Test data for every accuracy of the report (only its first `testSamples` are used). */
  testData: LabeledDataset;
  /**
   * Training data the Θ sweep slices on (a seeded subset of `sweepPerClass` per class). Without
   * it, or when the slicer has no `sweep`, the sweep section says why it is empty.
   */
  trainData?: LabeledDataset;
  /** Where the slice's metric and slicer (by `slice.metric` / `slice.slicer`) and the optional `restructure` maintainer are looked up. */
  container: DependencyContainer;
  /** Values of the slicer's sweep option (Θ for `semantic`); default per option, see README. */
  sweepValues?: readonly number[];
  /** Training samples per class for the sweep (default 100). */
  sweepPerClass?: number;
  /** Test samples used, from the start of the test set (default 2000). */
  testSamples?: number;
  /** Random slices per sweep point for the mean ± std band (default 5). */
  randomDraws?: number;
  /** Seed of the sweep subset and the random slices (default 1). */
  seed?: number;
  /** Samples per batch (default 256). */
  batchSize?: number;
  /** Page title (default: `Slice report: <model name>`). */
  title?: string;
  /** The command that made the report, shown in the page for provenance. */
  commandLine?: string;
  onProgress?: ProgressListener;
}

/** Options with defaults applied and every number checked. */
export interface CheckedReportOptions {
  sweepPerClass: number;
  testSamples: number;
  randomDraws: number;
  seed: number;
  batchSize: number;
  sweepValues?: number[];
}

export const REPORT_DEFAULTS = {
  sweepPerClass: 100,
  testSamples: 2000,
  randomDraws: 5,
  seed: 1,
  batchSize: 256,
} as const;

function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(
      `${PACKAGE}: ${name} must be an integer in [${min}, ${max}], got ${String(value)}`,
    );
  }
  return value;
}

/** Checks the numeric options on entry, before any work. */
export function checkReportOptions(options: SliceReportOptions): CheckedReportOptions {
  const checked: CheckedReportOptions = {
    sweepPerClass: checkInteger(
      'sweepPerClass',
      options.sweepPerClass ?? REPORT_DEFAULTS.sweepPerClass,
      1,
      1e6,
    ),
    testSamples: checkInteger(
      'testSamples',
      options.testSamples ?? REPORT_DEFAULTS.testSamples,
      1,
      1e9,
    ),
    randomDraws: checkInteger(
      'randomDraws',
      options.randomDraws ?? REPORT_DEFAULTS.randomDraws,
      1,
      1000,
    ),
    seed: checkInteger('seed', options.seed ?? REPORT_DEFAULTS.seed, 0, 2 ** 31 - 1),
    batchSize: checkInteger('batchSize', options.batchSize ?? REPORT_DEFAULTS.batchSize, 1, 65536),
  };
  if (options.sweepValues !== undefined) {
    if (!Array.isArray(options.sweepValues) || options.sweepValues.length === 0) {
      throw new UsageError(
        `${PACKAGE}: sweepValues must be a non-empty list of numbers, got ${JSON.stringify(options.sweepValues)}`,
      );
    }
    for (const value of options.sweepValues) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new UsageError(
          `${PACKAGE}: sweepValues must hold finite numbers, got ${JSON.stringify(value)}`,
        );
      }
    }
    checked.sweepValues = [...new Set(options.sweepValues)].sort((a, b) => a - b);
  }
  return checked;
}
