import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BACKEND_ENV_VARIABLE,
  firstSamples as firstSamplesOf,
  isUsageError,
  type LabeledDataset,
  listComponents,
  resolveBackend,
  UsageError,
} from '@neusemslice/core';
import {
  type DatasetName,
  InMemoryDataset,
  isDatasetName,
  loadDataset,
  type LoadDatasetOptions,
  perClassIndices,
  reshapeInputs,
  samplePerClass,
  USER_DATASET_FORMS,
} from '@neusemslice/data';
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
  checksums: {
    type: 'string',
    placeholder: '<file>',
    description:
      'sha256sum listing to check the files of a --dataset given as a path (default: its SHA256SUMS, if any)',
  },
  'input-shape': {
    type: 'string',
    placeholder: '<shape>',
    description:
      'Reshape every sample to this shape, e.g. 784 or 28,28,1 (default: the model’s input shape when the sizes match)',
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
  inputShapeOption(options);
  checksumsOption(options);
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

/**
 * `--dataset`: a known name (returned as it is) or the path of a user's data set (returned
 * absolute, so a model's metadata can name it); anything else is a UsageError naming both forms.
 */
export function datasetOption(options: ParsedOptions, name = 'dataset'): string {
  const value = stringOption(options, name);
  if (isDatasetName(value)) return value;
  if (!fs.existsSync(value)) {
    throw new UsageError(
      `--${name}: unknown data set '${value}' (expected ${DATASET_NAMES.join(' | ')}, or the path of ${USER_DATASET_FORMS}; no such file or directory)`,
    );
  }
  return path.resolve(value);
}

/** `--input-shape 784` or `--input-shape 28,28,1`, checked; undefined when not given. */
export function inputShapeOption(options: ParsedOptions): number[] | undefined {
  const value = options['input-shape'];
  if (value === undefined) return undefined;
  const text = String(value);
  const sizes = text.split(/[,x×]/).map((part) => part.trim());
  if (sizes.length === 0 || sizes.some((part) => !/^[1-9]\d*$/.test(part))) {
    throw new UsageError(
      `--input-shape: '${text}' is not a shape (expected positive integers separated by commas, e.g. 784 or 28,28,1)`,
    );
  }
  return sizes.map(Number);
}

/** `--checksums <file>`, checked to be an existing file; undefined when not given. */
export function checksumsOption(options: ParsedOptions): string | undefined {
  const value = options.checksums;
  if (value === undefined) return undefined;
  const file = String(value);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new UsageError(`--checksums ${file} is not an existing file`);
  }
  return file;
}

export function seedOption(options: ParsedOptions): number {
  return numberOption(options, 'seed', { min: 0, max: 2 ** 31 - 1, integer: true });
}

export function batchSizeOption(options: ParsedOptions): number {
  return numberOption(options, 'batch-size', { min: 1, max: 65536, integer: true });
}

/**
 * Loads a split of a named data set or of a user's data set given as a path (--checksums
 * checks its files), reporting where it was found, and reshapes its samples to --input-shape
 * when given.
 */
export async function loadSplit(
  name: DatasetName | string,
  split: 'train' | 'test',
  options: ParsedOptions,
  context: CommandContext,
  keepSamples?: LoadDatasetOptions['keepSamples'],
): Promise<LabeledDataset> {
  const data = await loadDataset(name, split, {
    keepSamples,
    dir: typeof options['data-dir'] === 'string' ? options['data-dir'] : undefined,
    download: options.download === true,
    onProgress: throttledProgress(context.log),
    checksumsFile: checksumsOption(options),
    log: context.log,
  });
  const inputShape = inputShapeOption(options);
  if (inputShape === undefined || inputShape.join(',') === data.inputShape.join(',')) return data;
  try {
    return reshapeInputs(data, inputShape);
  } catch (error) {
    if (isUsageError(error)) throw new UsageError(`--input-shape: ${error.message}`);
    throw error;
  }
}

/**
 * Picks the slicing data of SPEC §3 from a split's labels (seeded, `perClass` of every class),
 * for loadSplit's keepSamples: the same samples as slicingSubset, without loading the rest.
 */
export function slicingSample(perClass: number, seed: number): LoadDatasetOptions['keepSamples'] {
  return (labels, numClasses) =>
    perClassIndices(labels, numClasses, perClass, seed, 'training set');
}

/**
 * The slicing data of SPEC §3: a seeded per-class subset of the training set, copied out of it
 * (when held in memory) so the whole training set can be freed once the caller lets go of it.
 */
export function slicingSubset(
  train: LabeledDataset,
  perClass: number,
  seed: number,
): LabeledDataset {
  const subset = samplePerClass(train, perClass, seed);
  return subset instanceof InMemoryDataset ? subset.compact() : subset;
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
