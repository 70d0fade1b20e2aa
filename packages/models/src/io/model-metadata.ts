import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, writeFileAtomic } from '@neusemslice/core';

/** The file beside model.json that says what a saved model is, for the CLI and reports. */
export const METADATA_FILE = 'neusemslice.json';

/** What is known about a saved model; every field is optional, extra fields are kept. */
export interface ModelMetadata {
  /** Zoo name, e.g. `mlp`. */
  modelName?: string;
  /** Data set name, e.g. `mnist`. */
  dataset?: string;
  seed?: number;
  /** Test accuracy, 0 … 1. */
  testAccuracy?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** tfjs backend the model was trained with. */
  backend?: string;
  trainingSeconds?: number;
  /** ISO 8601 time of saving; filled in by `saveModelToDir`. */
  savedAt?: string;
  [extra: string]: unknown;
}

export function writeModelMetadata(directory: string, metadata: ModelMetadata): void {
  writeFileAtomic(path.join(directory, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
}

/** The metadata saved beside a model, or undefined when the directory has none. */
export function readModelMetadata(directory: string): ModelMetadata | undefined {
  const file = path.join(directory, METADATA_FILE);
  if (!fs.existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${file} must hold a JSON object, got ${JSON.stringify(parsed)}`);
  }
  return parsed as ModelMetadata;
}
