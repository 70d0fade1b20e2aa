import * as path from 'node:path';
import { NeuronModel, evaluateAccuracy } from '@neusemslice/core';
import { MODEL_NAMES, createModel, saveModelToDir, trainModel } from '@neusemslice/models';
import { numberOption, stringOption } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import {
  activateBackend,
  batchSizeOption,
  datasetOption,
  firstSamples,
  loadSplit,
  percent,
  runtimeOptions,
  seedOption,
} from './common';

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a zoo model on a data set and save it',
  options: {
    model: {
      type: 'string',
      placeholder: '<name>',
      required: true,
      description: `Zoo model: ${MODEL_NAMES.join(' | ')}`,
    },
    dataset: {
      type: 'string',
      placeholder: '<name>',
      required: true,
      description: 'mnist | fashion-mnist | cifar10',
    },
    epochs: {
      type: 'string',
      placeholder: '<n>',
      default: '5',
      description: 'Passes over the training set',
    },
    lr: {
      type: 'string',
      placeholder: '<rate>',
      default: '0.001',
      description: 'Adam learning rate',
    },
    out: {
      type: 'string',
      placeholder: '<dir>',
      required: true,
      description: 'Directory to save the trained model in',
    },
    'train-samples': {
      type: 'string',
      placeholder: '<n>',
      description: 'Train on the first n training samples only (default: all)',
    },
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const modelName = stringOption(options, 'model');
    const datasetName = datasetOption(options);
    const epochs = numberOption(options, 'epochs', { min: 1, max: 1000, integer: true });
    const learningRate = numberOption(options, 'lr', { min: 1e-7, max: 10 });
    const seed = seedOption(options);
    const batchSize = batchSizeOption(options);
    const outDir = stringOption(options, 'out');
    const backend = await activateBackend(options, context);
    const train = firstSamples(
      await loadSplit(datasetName, 'train', options, context),
      options,
      'train-samples',
    );
    const test = await loadSplit(datasetName, 'test', options, context);
    const model = createModel(modelName, {
      inputShape: [...train.inputShape],
      numClasses: train.numClasses,
      seed,
    });
    const startedAt = Date.now();
    await trainModel(model, train, {
      epochs,
      batchSize,
      learningRate,
      seed,
      onProgress: throttledProgress(context.log, 5000),
    });
    const trainingSeconds = (Date.now() - startedAt) / 1000;
    const { accuracy } = await evaluateAccuracy(new NeuronModel(model), test, { batchSize: 512 });
    await saveModelToDir(model, outDir, {
      modelName,
      dataset: datasetName,
      seed,
      epochs,
      batchSize,
      learningRate,
      testAccuracy: accuracy,
      backend,
      trainingSeconds,
    });
    context.print(
      `${modelName} on ${datasetName}: test accuracy ${percent(accuracy)} after ${epochs} epochs (${trainingSeconds.toFixed(1)} s, backend ${backend})`,
    );
    context.print(`saved to ${path.resolve(outDir)}`);
  },
};
