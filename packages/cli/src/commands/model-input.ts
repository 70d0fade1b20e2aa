import { NeuronModel, type LabeledDataset, UsageError } from '@neusemslice/core';
import type { DatasetName } from '@neusemslice/data';
import { loadModelFromDir, readModelMetadata, type ModelMetadata } from '@neusemslice/models';
import { type OptionSpecs, stringOption, type ParsedOptions } from '../args';
import type { CommandContext } from '../command';
import { DATASET_NAMES, datasetOption, firstSamples, loadSplit } from './common';

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
    description: 'Data set (default: the one the model was trained on)',
  },
};

export interface LoadedModel {
  neuronModel: NeuronModel;
  metadata?: ModelMetadata;
  /** The data set to use: --dataset, else the one the model was trained on (if recorded). */
  datasetName?: DatasetName;
}

/** Loads --model <dir> and works out which data set goes with it. */
export async function loadModelOption(options: ParsedOptions): Promise<LoadedModel> {
  const directory = stringOption(options, 'model');
  const layersModel = await loadModelFromDir(directory);
  const metadata = readModelMetadata(directory);
  let datasetName: DatasetName | undefined;
  if (typeof options.dataset === 'string') {
    datasetName = datasetOption(options);
  } else if (metadata?.dataset && (DATASET_NAMES as readonly string[]).includes(metadata.dataset)) {
    datasetName = metadata.dataset as DatasetName;
  }
  return { neuronModel: new NeuronModel(layersModel), metadata, datasetName };
}

/** Checks that a data set fits a model before any work is done. */
export function checkDataFitsModel(model: NeuronModel, data: LabeledDataset): void {
  const expected = model.inputShape.join('x');
  const actual = data.inputShape.join('x');
  if (expected !== actual || data.numClasses !== model.numClasses) {
    throw new UsageError(
      `data set ${data.name} (${actual}, ${data.numClasses} classes) does not fit the model (${expected}, ${model.numClasses} classes)`,
    );
  }
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
  checkDataFitsModel(loaded.neuronModel, data);
  return data;
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
