import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UsageError, isUsageError } from '@neusemslice/core';
import { MODEL_JSON_FILE, directoryIOHandler } from './directory-io-handler';
import { type ModelMetadata, writeModelMetadata } from './model-metadata';

/**
 * Saves a model into `directory` as model.json + weights.bin (tfjs layers format) and
 * neusemslice.json with `metadata` and the time of saving. The directory is created if needed.
 */
export async function saveModelToDir(
  model: tf.LayersModel,
  directory: string,
  metadata: ModelMetadata = {},
): Promise<void> {
  await model.save(directoryIOHandler(directory));
  writeModelMetadata(directory, {
    modelName: model.name,
    ...metadata,
    savedAt: new Date().toISOString(),
  });
}

/**
 * Loads a model saved by `saveModelToDir` (or any tfjs layers model.json + weights in one
 * directory). A missing or corrupt file gives a UsageError that names it.
 */
export async function loadModelFromDir(directory: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(directoryIOHandler(directory));
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw new UsageError(
      `cannot rebuild the model of ${path.join(directory, MODEL_JSON_FILE)}: ${(error as Error).message}`,
    );
  }
}
