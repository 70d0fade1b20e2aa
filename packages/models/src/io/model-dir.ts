import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  UsageError,
  acquireOutputLock,
  isOutputLockedByOther,
  isUsageError,
  recoverDirectoryReplacement,
  replaceDirectoryAtomic,
} from '@neusemslice/core';
import { MODEL_JSON_FILE, directoryIOHandler } from './directory-io-handler';
import { type ModelMetadata, writeModelMetadata } from './model-metadata';

/**
 * Saves a model into `directory` as model.json + weights.bin (tfjs layers format) and
 * neusemslice.json with `metadata` and the time of saving. The directory is replaced as a whole:
 * the files are written into a sibling directory that then takes its place, so a crash at any
 * point leaves the previous model or the new one complete, never a mix. The output's lock is
 * held meanwhile, so a second writer of the same directory gets a UsageError.
 */
export async function saveModelToDir(
  model: tf.LayersModel,
  directory: string,
  metadata: ModelMetadata = {},
): Promise<void> {
  const lock = acquireOutputLock(directory);
  try {
    await replaceDirectoryAtomic(directory, async (temporaryDirectory) => {
      await model.save(directoryIOHandler(temporaryDirectory));
      writeModelMetadata(temporaryDirectory, {
        modelName: model.name,
        ...metadata,
        savedAt: new Date().toISOString(),
      });
    });
  } finally {
    lock.release();
  }
}

/**
 * Finishes a save that a crash interrupted (see saveModelToDir), unless another process is
 * writing the directory right now.
 */
function recoverInterruptedSave(directory: string): void {
  if (isOutputLockedByOther(directory)) return;
  let lock;
  try {
    lock = acquireOutputLock(directory);
  } catch {
    return; // Taken meanwhile: that writer recovers it.
  }
  try {
    recoverDirectoryReplacement(directory);
  } finally {
    lock.release();
  }
}

/** True when `directory` holds a saved model (its model.json). */
export function isModelDir(directory: string): boolean {
  return fs.existsSync(path.join(directory, MODEL_JSON_FILE));
}

/**
 * Loads a model saved by `saveModelToDir` (or any tfjs layers model.json + weights in one
 * directory). A missing or corrupt file, or a weight that is NaN or infinite, gives a UsageError
 * that names it.
 */
export async function loadModelFromDir(directory: string): Promise<tf.LayersModel> {
  if (!fs.existsSync(directory)) recoverInterruptedSave(directory);
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new UsageError(`model directory '${directory}' does not exist`);
  }
  try {
    return await tf.loadLayersModel(directoryIOHandler(directory));
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw new UsageError(
      `cannot rebuild the model of ${path.join(directory, MODEL_JSON_FILE)}: ${(error as Error).message}`,
    );
  }
}
