import * as fs from 'node:fs';
import * as path from 'node:path';
import { NeuronModel, evaluateAccuracy, resolveComponent, saveSlice } from '@neusemslice/core';
import { createModel, saveModelToDir, trainModel } from '@neusemslice/models';
import { checkTheta } from '@neusemslice/slicer-semantic';
import { checkedNumberOption, numberOption, stringOption } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import {
  activateBackend,
  checkRuntimeOptions,
  loadSplit,
  percent,
  runtimeOptions,
  slicingSubset,
} from './common';
import { claimOutputPath, forceOption } from './output-path';
import { reportSlice } from './slice-report';

const MODEL_SUBDIRECTORY = 'mlp-mnist';
const SLICE_FILE = 'mlp-mnist-slice.json';

/** Why an existing directory is not an earlier demo output (which --force may replace). */
function notADemoDirectory(directory: string): string | undefined {
  const foreign = fs
    .readdirSync(directory)
    .filter((name) => !name.startsWith('.') && name !== MODEL_SUBDIRECTORY && name !== SLICE_FILE);
  return foreign.length === 0
    ? undefined
    : `holds files the demo did not write (${foreign.slice(0, 3).join(', ')})`;
}

export const demoCommand: Command = {
  name: 'demo',
  summary:
    'Train the paper’s MLP on MNIST, slice it semantically and report accuracy and compression',
  options: {
    epochs: { type: 'string', placeholder: '<n>', default: '3', description: 'Training epochs' },
    metric: {
      type: 'string',
      placeholder: '<name>',
      default: 'taylor',
      description: 'Contribution metric',
    },
    theta: {
      type: 'string',
      placeholder: '<Θ>',
      default: '0.95',
      description: 'Semantic slicing threshold',
    },
    'per-class': {
      type: 'string',
      placeholder: '<n>',
      default: '500',
      description: 'Training samples per class to slice on',
    },
    out: {
      type: 'string',
      placeholder: '<dir>',
      default: 'runs/demo',
      description: 'Where to save the model and the slice',
    },
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const epochs = numberOption(options, 'epochs', { min: 1, max: 100, integer: true });
    const theta = checkedNumberOption(options, 'theta', checkTheta);
    const perClass = numberOption(options, 'per-class', { min: 1, max: 6000, integer: true });
    const { seed, batchSize } = checkRuntimeOptions(options, context);
    const metric = resolveComponent(context.container, 'metric', stringOption(options, 'metric'));
    const slicer = resolveComponent(context.container, 'slicer', 'semantic');
    const output = claimOutputPath(stringOption(options, 'out'), {
      optionName: 'out',
      kind: 'directory',
      force: options.force === true,
      sameKind: notADemoDirectory,
    });
    try {
      await runDemo(output.path);
    } finally {
      output.release();
    }
    async function runDemo(outDir: string): Promise<void> {
      const backend = await activateBackend(options, context);
      context.print(`backend: ${backend}`);

      const train = await loadSplit('mnist', 'train', options, context);
      const test = await loadSplit('mnist', 'test', options, context);
      context.print(`data: MNIST, ${train.size} training and ${test.size} test images`);

      const layersModel = createModel('mlp', {
        inputShape: [...train.inputShape],
        numClasses: train.numClasses,
        seed,
      });
      const startedAt = Date.now();
      await trainModel(layersModel, train, {
        epochs,
        batchSize,
        learningRate: 0.001,
        seed,
        onProgress: throttledProgress(context.log, 5000),
      });
      const trainingSeconds = (Date.now() - startedAt) / 1000;
      const model = new NeuronModel(layersModel);
      const { accuracy } = await evaluateAccuracy(model, test, { batchSize: 512 });
      context.print(
        `MLP 784-512-256-10 trained for ${epochs} epochs in ${trainingSeconds.toFixed(1)} s: test accuracy ${percent(accuracy)}`,
      );
      await saveModelToDir(layersModel, path.join(outDir, MODEL_SUBDIRECTORY), {
        modelName: 'mlp',
        dataset: 'mnist',
        seed,
        epochs,
        batchSize,
        learningRate: 0.001,
        testAccuracy: accuracy,
        backend,
        trainingSeconds,
      });

      const slicingData = slicingSubset(train, perClass, seed);
      const sliceStartedAt = Date.now();
      const slice = await slicer.slice({
        model,
        data: slicingData,
        metric,
        options: { theta },
        batchSize,
        onProgress: throttledProgress(context.log),
      });
      slice.options = { ...slice.options, slicingData: { split: 'train', perClass, seed } };
      context.print(
        `sliced with ${metric.name} + semantic (Θ = ${theta}) on ${slicingData.size} samples in ${((Date.now() - sliceStartedAt) / 1000).toFixed(1)} s`,
      );
      await reportSlice(model, slice, test, context, 512);
      const sliceFile = path.join(outDir, SLICE_FILE);
      saveSlice(sliceFile, slice);
      context.print(`saved the model and the slice under ${path.resolve(outDir)}`);
    }
  },
};
