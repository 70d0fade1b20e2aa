import * as fs from 'node:fs';
import {
  BACKEND_ENV_VARIABLE,
  firstSamples as firstSamplesOf,
  type LabeledDataset,
  listComponents,
  resolveBackend,
  UsageError,
} from '@neusemslice/core';
import { type DatasetName, loadDataset, samplePerClass } from '@neusemslice/data';
import { isModelDir } from '@neusemslice/models';
import type { OptionSpecs, ParsedOptions } from '../args';
import { numberOption, stringOption } from '../args';
import type { CommandContext } from '../command';
import { throttledProgress } from '../progress-printer';

export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'cifar10'];

/** Options every computing command takes. */
export const runtimeOptions: OptionSpecs = {
  backend: {
    type: 'string',
    placeholder: '<name>',
    description:
      'Force a backend: tfjs-node-gpu | tfjs-node | wasm | cpu (or set NEUSEMSLICE_BACKEND)',
  },
  'data-dir': {
    type: 'string',
    placeholder: '<dir>',
    description: 'Directory holding the data set files (or set NEUSEMSLICE_DATA_DIR)',
  },
  download: {
    type: 'boolean',
    description: 'Download the data set into the cache when it is not found locally',
  },
  'batch-size': {
    type: 'string',
    placeholder: '<n>',
    default: '128',
    description: 'Samples per batch',
  },
  seed: {
    type: 'string',
    placeholder: '<n>',
    default: '1',
    description: 'Seed for weights, shuffling and sampling',
  },
};

/**
 * Checks --backend (or NEUSEMSLICE_BACKEND) names a registered backend, before any work: the
 * message names where the bad value came from and the backends known.
 */
export function checkBackendChoice(options: ParsedOptions, context: CommandContext): void {
  const fromOption = typeof options.backend === 'string' ? options.backend : undefined;
  const fromEnv = process.env[BACKEND_ENV_VARIABLE] || undefined;
  const chosen = fromOption ?? fromEnv;
  if (chosen === undefined) return;
  const known = listComponents(context.container, 'backend').map((backend) => backend.name);
  if (!known.includes(chosen)) {
    const source = fromOption !== undefined ? '--backend' : BACKEND_ENV_VARIABLE;
    throw new UsageError(
      `${source}: unknown backend '${chosen}' (known backends: ${known.join(', ')})`,
    );
  }
}

/** Checks --data-dir, when given, is an existing directory (it is never silently ignored). */
export function checkDataDirOption(options: ParsedOptions): void {
  const directory = options['data-dir'];
  if (typeof directory !== 'string') return;
  if (!fs.existsSync(directory)) throw new UsageError(`--data-dir ${directory} does not exist`);
  if (!fs.statSync(directory).isDirectory())
    throw new UsageError(`--data-dir ${directory} is not a directory`);
}

/**
 * Checks every runtime option (seed, batch size, backend, data dir) before anything is loaded,
 * and returns the numbers.
 */
export function checkRuntimeOptions(
  options: ParsedOptions,
  context: CommandContext,
): { seed: number; batchSize: number } {
  const seed = seedOption(options);
  const batchSize = batchSizeOption(options);
  checkBackendChoice(options, context);
  checkDataDirOption(options);
  return { seed, batchSize };
}

/** Why an existing directory may not be replaced by a saved model (see checkOutputPath). */
export function notAModelDirectory(directory: string): string | undefined {
  if (!fs.statSync(directory).isDirectory() || isModelDir(directory)) return undefined;
  return fs.readdirSync(directory).length === 0
    ? undefined
    : 'is not a saved model directory (it has files but no model.json)';
}

/** Why an existing file may not be replaced by a slice file (see checkOutputPath). */
export function notASliceFile(file: string): string | undefined {
  if (!fs.statSync(file).isFile()) return undefined;
  try {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { format?: unknown } | null;
    if (json?.format === 'neusemslice-slice') return undefined;
  } catch {
    // Not JSON: not a slice.
  }
  return 'is not a slice file';
}

/**
 * Activates the chosen or fastest backend and returns its name. Its note ("backend: wasm …")
 * is held back until the command prints or logs something else, so a run refused while loading
 * its inputs still says one line only: the error.
 */
export async function activateBackend(
  options: ParsedOptions,
  context: CommandContext,
): Promise<string> {
  checkBackendChoice(options, context);
  const notes: string[] = [];
  const backend = await resolveBackend(context.container, {
    prefer: typeof options.backend === 'string' ? options.backend : undefined,
    log: (line) => notes.push(line),
  });
  if (notes.length > 0) deferNotes(context, notes);
  return backend.name;
}

/** Makes the next print or log of the command emit `notes` (on the log stream) first. */
function deferNotes(context: CommandContext, notes: string[]): void {
  const { print, log } = context;
  let flushed = false;
  // Callers may have kept the wrappers (e.g. a progress printer): they flush once only.
  const flush = (): void => {
    if (flushed) return;
    flushed = true;
    context.print = print;
    context.log = log;
    for (const note of notes) log(note);
  };
  context.print = (line) => {
    flush();
    print(line);
  };
  context.log = (line) => {
    flush();
    log(line);
  };
}

export function datasetOption(options: ParsedOptions, name = 'dataset'): DatasetName {
  const value = stringOption(options, name);
  if (!(DATASET_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(
      `--${name}: unknown data set '${value}' (expected ${DATASET_NAMES.join(' | ')})`,
    );
  }
  return value as DatasetName;
}

export function seedOption(options: ParsedOptions): number {
  return numberOption(options, 'seed', { min: 0, max: 2 ** 31 - 1, integer: true });
}

export function batchSizeOption(options: ParsedOptions): number {
  return numberOption(options, 'batch-size', { min: 1, max: 65536, integer: true });
}

/** Loads a split of a named data set, reporting where it was found. */
export async function loadSplit(
  name: DatasetName,
  split: 'train' | 'test',
  options: ParsedOptions,
  context: CommandContext,
): Promise<LabeledDataset> {
  return loadDataset(name, split, {
    dir: typeof options['data-dir'] === 'string' ? options['data-dir'] : undefined,
    download: options.download === true,
    onProgress: throttledProgress(context.log),
  });
}

/** The slicing data of SPEC §3: a seeded per-class subset of the training set. */
export function slicingSubset(
  train: LabeledDataset,
  perClass: number,
  seed: number,
): LabeledDataset {
  return samplePerClass(train, perClass, seed);
}

/** Formats a share as a percentage with two decimals. */
export function percent(share: number): string {
  return `${(100 * share).toFixed(2)}%`;
}

/** `--test-samples <n>`, checked, or undefined when not given. */
export function testSamplesOption(options: ParsedOptions): number | undefined {
  return options['test-samples'] === undefined
    ? undefined
    : numberOption(options, 'test-samples', { min: 1, max: 1e9, integer: true });
}

/** The data set cut to its first n samples when the option is given. */
export function firstSamples(
  data: LabeledDataset,
  options: ParsedOptions,
  optionName: string,
): LabeledDataset {
  if (options[optionName] === undefined) return data;
  return firstSamplesOf(
    data,
    numberOption(options, optionName, { min: 1, max: 1e9, integer: true }),
  );
}
