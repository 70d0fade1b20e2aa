import { type LabeledDataset, resolveBackend, UsageError } from '@neusemslice/core';
import { type DatasetName, loadDataset, samplePerClass } from '@neusemslice/data';
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

/** Activates the chosen or fastest backend and returns its name. */
export async function activateBackend(
  options: ParsedOptions,
  context: CommandContext,
): Promise<string> {
  const backend = await resolveBackend(context.container, {
    prefer: typeof options.backend === 'string' ? options.backend : undefined,
    log: context.log,
  });
  return backend.name;
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

/** The data set cut to its first n samples when the option is given. */
export function firstSamples(
  data: LabeledDataset,
  options: ParsedOptions,
  optionName: string,
): LabeledDataset {
  if (options[optionName] === undefined) return data;
  const count = Math.min(
    data.size,
    numberOption(options, optionName, { min: 1, max: 1e9, integer: true }),
  );
  return count === data.size
    ? data
    : data.subset(
        Int32Array.from({ length: count }, (_, index) => index),
        `${data.name}[0:${count}]`,
      );
}
