import * as fs from 'node:fs';
import { NeuronModel, type LabeledDataset, UsageError } from '@neusemslice/core';
import { isDatasetName, reshapeInputs } from '@neusemslice/data';
import { loadModelFromDir, readModelMetadata, type ModelMetadata } from '@neusemslice/models';
import { type OptionSpecs, stringOption, type ParsedOptions } from '../args';
import type { CommandContext } from '../command';
import { datasetOption, firstSamples, inputShapeOption, loadSplit, slicingSample } from './common';

/** `--model <dir>`: a saved model, required. */
export const modelOption: OptionSpecs = {
  model: {
    type: 'string',
    placeholder: '<dir>',
    required: true,
    description: 'Directory of a saved model',
  },
};

/** `--model <dir>` and `--dataset <name>` (default: the one the model was trained on). */
export const modelAndDatasetOptions: OptionSpecs = {
  ...modelOption,
  dataset: {
    type: 'string',
    placeholder: '<name>',
    description:
      'Data set: a name, or the path of IDX files, .npy files or an .npz (default: the one the model was trained on)',
  },
};

export interface LoadedModel {
  neuronModel: NeuronModel;
  metadata?: ModelMetadata;
  /**
   * The data set to use: --dataset (a name or an absolute path), else the one the model was
   * trained on (if recorded and still there).
   */
  datasetName?: string;
}

/** Loads --model <dir> and works out which data set goes with it. */
export async function loadModelOption(options: ParsedOptions): Promise<LoadedModel> {
  const directory = stringOption(options, 'model');
  const layersModel = await loadModelFromDir(directory);
  const metadata = readModelMetadata(directory);
  let datasetName: string | undefined;
  if (typeof options.dataset === 'string') {
    datasetName = datasetOption(options);
  } else if (
    metadata?.dataset &&
    (isDatasetName(metadata.dataset) || fs.existsSync(metadata.dataset))
  ) {
    datasetName = metadata.dataset;
  }
  return { neuronModel: new NeuronModel(layersModel), metadata, datasetName };
}

/**
 * Checks that a data set fits a model before any work is done. When only the sample shape
 * differs and --input-shape was not given, samples with the model's element count are reshaped
 * to its input (e.g. 28x28x1 images for a [784]-input MLP), with a note on the log.
 */
export function fitDataToModel(
  model: NeuronModel,
  data: LabeledDataset,
  options: ParsedOptions,
  log: (line: string) => void,
): LabeledDataset {
  const expected = model.inputShape.join('x');
  const actual = data.inputShape.join('x');
  if (data.numClasses !== model.numClasses) {
    throw new UsageError(
      `data set ${data.name} (${actual}, ${data.numClasses} classes) does not fit the model (${expected}, ${model.numClasses} classes)`,
    );
  }
  if (expected === actual) return data;
  const count = (shape: readonly number[]): number =>
    shape.reduce((product, size) => product * size, 1);
  if (inputShapeOption(options) !== undefined) {
    throw new UsageError(
      `--input-shape ${actual} does not match the model's input shape ${expected}; data set ${data.name}`,
    );
  }
  if (count(model.inputShape) !== count(data.inputShape)) {
    throw new UsageError(
      `data set ${data.name} has samples of shape ${actual} (${count(data.inputShape)} values), the model expects ${expected} (${count(model.inputShape)} values); no reshape fits`,
    );
  }
  log(`reshaping ${data.name} samples from ${actual} to the model's input shape ${expected}`);
  return reshapeInputs(data, model.inputShape);
}

/** Loads a split of the model's data set, checked against the model. */
export async function loadSplitFor(
  loaded: LoadedModel,
  split: 'train' | 'test',
  options: ParsedOptions,
  context: CommandContext,
): Promise<LabeledDataset> {
  if (!loaded.datasetName) {
    throw new UsageError(
      `--dataset is required: ${String(options.model)} does not say which data set the model was trained on`,
    );
  }
  const data = await loadSplit(loaded.datasetName, split, options, context);
  return fitDataToModel(loaded.neuronModel, data, options, context.log);
}

/**
 * The slicing data of SPEC §3 for the model: `perClass` training samples of every class
 * (seeded), read without holding the whole training split in memory where the format allows.
 */
export async function loadSlicingSubsetFor(
  loaded: LoadedModel,
  perClass: number,
  seed: number,
  options: ParsedOptions,
  context: CommandContext,
): Promise<LabeledDataset> {
  if (!loaded.datasetName) {
    throw new UsageError(
      `--dataset is required: ${String(options.model)} does not say which data set the model was trained on`,
    );
  }
  const data = await loadSplit(
    loaded.datasetName,
    'train',
    options,
    context,
    slicingSample(perClass, seed),
  );
  return fitDataToModel(loaded.neuronModel, data, options, context.log);
}

/** The training split and the test split (its first `--test-samples` when given) of the model. */
export async function loadTrainAndTest(
  loaded: LoadedModel,
  options: ParsedOptions,
  context: CommandContext,
): Promise<{ train: LabeledDataset; test: LabeledDataset }> {
  const train = await loadSplitFor(loaded, 'train', options, context);
  const test = firstSamples(
    await loadSplitFor(loaded, 'test', options, context),
    options,
    'test-samples',
  );
  return { train, test };
}
