import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  type LabeledDataset,
  NeuronModel,
  type ProgressListener,
  evaluateAccuracy,
} from '@neusemslice/core';
import { classSubset } from '@neusemslice/data';
import {
  createModel,
  loadModelFromDir,
  readModelMetadata,
  saveModelToDir,
  trainModel,
} from '@neusemslice/models';
import type { StudySetting } from './settings';
import type { StudyData } from './study-options';

export interface TrainedModelRequest {
  setting: StudySetting;
  seed: number;
  train: LabeledDataset;
  test: LabeledDataset;
  /** Where trained models are kept between runs; a model found there is loaded, not retrained. */
  cacheDir: string;
  /**
   * Train on these classes only (task A of incremental development); the output layer still has
   * a unit per class of the data set.
   */
  classes?: readonly number[];
  onProgress?: ProgressListener;
  log?: (line: string) => void;
}

export interface TrainedModel {
  model: tf.LayersModel;
  /** Test accuracy of the trained model (on `classes` only when given). */
  testAccuracy: number;
  directory: string;
  /** True when it was loaded from the cache. */
  cached: boolean;
}

/** The directory a trained model of a setting, seed and class set is cached in. */
export function trainedModelDir(
  cacheDir: string,
  setting: StudySetting,
  seed: number,
  classes?: readonly number[],
): string {
  const classPart = classes ? `-classes-${classes.join('_')}` : '';
  return path.join(cacheDir, `${setting.id}${classPart}-seed-${seed}`);
}

/**
 * A model of the setting trained with the seed, from the cache when it is there, else trained
 * (Adam, the setting's epochs) and saved to the cache. Studies share these models, so every
 * table of a run starts from the same originals.
 */
export async function ensureTrainedModel(request: TrainedModelRequest): Promise<TrainedModel> {
  const { setting, seed, classes } = request;
  const directory = trainedModelDir(request.cacheDir, setting, seed, classes);
  const train = classes ? classSubset(request.train, classes) : request.train;
  const test = classes ? classSubset(request.test, classes) : request.test;
  if (fs.existsSync(path.join(directory, 'model.json'))) {
    const model = await loadModelFromDir(directory);
    const recorded = readModelMetadata(directory)?.testAccuracy;
    const testAccuracy =
      typeof recorded === 'number'
        ? recorded
        : (await evaluateAccuracy(new NeuronModel(model), test, { batchSize: 512 })).accuracy;
    return { model, testAccuracy, directory, cached: true };
  }
  request.log?.(
    `training ${setting.label} (seed ${seed}${classes ? `, classes ${classes.join(',')}` : ''})`,
  );
  const model = createModel(setting.model, {
    inputShape: [...train.inputShape],
    numClasses: train.numClasses,
    seed,
  });
  await trainModel(model, train, {
    epochs: setting.epochs,
    batchSize: setting.batchSize,
    learningRate: setting.learningRate,
    seed,
    onProgress: request.onProgress,
  });
  const { accuracy } = await evaluateAccuracy(new NeuronModel(model), test, { batchSize: 512 });
  await saveModelToDir(model, directory, {
    modelName: setting.model,
    dataset: setting.dataset,
    seed,
    epochs: setting.epochs,
    batchSize: setting.batchSize,
    learningRate: setting.learningRate,
    testAccuracy: accuracy,
    ...(classes ? { classes: [...classes] } : {}),
  });
  return { model, testAccuracy: accuracy, directory, cached: false };
}

/**
 * A study's original model of a setting and seed: the caller's `originalModel` when given, else
 * `ensureTrainedModel` with the study's cache (and `request`'s classes and progress listener).
 */
export async function studyOriginal(
  options: {
    originalModel?: (
      setting: StudySetting,
      seed: number,
      data: StudyData,
    ) => Promise<tf.LayersModel>;
    cacheDir: string;
    log?: (line: string) => void;
  },
  setting: StudySetting,
  seed: number,
  data: StudyData,
  request: Pick<TrainedModelRequest, 'classes' | 'onProgress'> = {},
): Promise<tf.LayersModel> {
  if (options.originalModel) return options.originalModel(setting, seed, data);
  const trained = await ensureTrainedModel({
    setting,
    seed,
    train: data.train,
    test: data.test,
    cacheDir: options.cacheDir,
    ...request,
    log: options.log,
  });
  return trained.model;
}
