import { type ModelMetadata, saveModelToDir } from '@neusemslice/models';
import { type OptionSpecs, type ParsedOptions, stringOption } from '../args';
import { notAModelDirectory } from './common';
import { type LoadedModel, modelOption } from './model-input';
import { type ClaimedOutput, claimOutputPath } from './output-path';

/** `--model` and `--slice` of a command that maintains a saved model with its slice. */
export const modelAndSliceOptions: OptionSpecs = {
  ...modelOption,
  slice: {
    type: 'string',
    placeholder: '<file>',
    required: true,
    description: 'Slice file made for that model (neusemslice slice)',
  },
};

/**
 * Checks and locks `--out` for a new model directory (not one of `inputs`, existing only with
 * `--force`), runs `work` with it and releases the lock afterwards, also on failure.
 */
export async function withModelOutput<T>(
  options: ParsedOptions,
  inputs: (string | undefined)[],
  work: (output: ClaimedOutput) => Promise<T>,
): Promise<T> {
  const output = claimOutputPath(stringOption(options, 'out'), {
    optionName: 'out',
    kind: 'directory',
    inputs,
    force: options.force === true,
    sameKind: notAModelDirectory,
  });
  try {
    return await work(output);
  } finally {
    output.release();
  }
}

/**
 * Saves the model a maintainer returned in `directory`, with the original's model name, data set
 * and seed before `metadata`, then disposes it.
 */
export async function saveMaintainedModel(
  report: { model?: Parameters<typeof saveModelToDir>[0] },
  maintainer: string,
  directory: string,
  loaded: LoadedModel,
  metadata: ModelMetadata,
): Promise<void> {
  const model = report.model;
  if (!model) throw new Error(`the '${maintainer}' maintainer returned no model`);
  try {
    await saveModelToDir(model, directory, {
      ...(loaded.metadata?.modelName ? { modelName: loaded.metadata.modelName } : {}),
      dataset: loaded.datasetName,
      ...(loaded.metadata?.seed !== undefined ? { seed: loaded.metadata.seed } : {}),
      ...metadata,
    });
  } finally {
    model.dispose();
  }
}
