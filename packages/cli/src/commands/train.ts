import * as fs from 'node:fs';
import * as path from 'node:path';
import { NeuronModel, UsageError, evaluateAccuracy } from '@neusemslice/core';
import {
  MODEL_NAMES,
  createModel,
  isModelName,
  loadTrainingCheckpoint,
  saveModelToDir,
  saveTrainingCheckpoint,
  trainModel,
  type TrainingCheckpoint,
} from '@neusemslice/models';
import type { ParsedOptions } from '../args';
import { numberOption, stringOption } from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import {
  activateBackend,
  checkRuntimeOptions,
  datasetOption,
  firstSamples,
  loadSplit,
  notAModelDirectory,
  percent,
  runtimeOptions,
} from './common';
import { claimOutputPath, forceOption } from './output-path';
import { classesOption, onClasses, trainingClasses } from './incremental';

/** Options that do not change what a run computes, so a resumed run may differ in them. */
const OPTIONS_FREE_ON_RESUME = new Set([
  'epochs',
  'resume',
  'force',
  'json',
  'backend',
  'download',
  'data-dir',
]);

/** The checkpoint area of an output directory: a hidden sibling, removed once the model is saved. */
export function checkpointDirectoryOf(outDir: string): string {
  return path.join(path.dirname(outDir), `.${path.basename(outDir)}.checkpoint`);
}

/** The settings a checkpoint records; a resume must use the same. */
function runSettings(options: ParsedOptions): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).filter(
      ([name, value]) => value !== undefined && !OPTIONS_FREE_ON_RESUME.has(name),
    ),
  );
}

/** The checkpoint to resume from, checked against this run's settings. */
function checkpointToResume(
  checkpointDir: string,
  settings: Record<string, unknown>,
  epochs: number,
): TrainingCheckpoint {
  const { checkpoint, run } = loadTrainingCheckpoint(checkpointDir);
  const names = new Set([...Object.keys(run), ...Object.keys(settings)]);
  const differing = [...names].filter((name) => run[name] !== settings[name]);
  if (differing.length > 0) {
    throw new UsageError(
      `--resume: the interrupted run used other settings (${differing.map((name) => `--${name} ${String(run[name] ?? '(none)')}`).join(', ')})`,
    );
  }
  if (checkpoint.epochsDone >= epochs) {
    throw new UsageError(
      `--resume: the checkpoint has ${checkpoint.epochsDone} epochs done; pass --epochs greater than that`,
    );
  }
  return checkpoint;
}

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
      description:
        'mnist | fashion-mnist | cifar10, or the path of IDX files, .npy files or an .npz archive',
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
    ...classesOption,
    resume: {
      type: 'boolean',
      description:
        'Continue an interrupted run from its last finished epoch (same options; bit-identical result)',
    },
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const modelName = stringOption(options, 'model');
    const datasetName = datasetOption(options);
    const epochs = numberOption(options, 'epochs', { min: 1, max: 1000, integer: true });
    const learningRate = numberOption(options, 'lr', { min: 1e-7, max: 10 });
    const { seed, batchSize } = checkRuntimeOptions(options, context);
    if (!isModelName(modelName)) {
      throw new UsageError(
        `--model: unknown zoo model '${modelName}' (expected ${MODEL_NAMES.join(' | ')})`,
      );
    }
    if (options['train-samples'] !== undefined)
      numberOption(options, 'train-samples', { min: 1, max: 1e9, integer: true });
    const classes = trainingClasses(options);
    const output = claimOutputPath(stringOption(options, 'out'), {
      optionName: 'out',
      kind: 'directory',
      force: options.force === true,
      sameKind: notAModelDirectory,
    });
    try {
      const outDir = output.path;
      const checkpointDir = checkpointDirectoryOf(outDir);
      const settings = runSettings(options);
      const resumeFrom =
        options.resume === true ? checkpointToResume(checkpointDir, settings, epochs) : undefined;
      if (resumeFrom)
        context.log(`resuming after epoch ${resumeFrom.epochsDone} from ${checkpointDir}`);
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
      await trainModel(model, onClasses(train, classes), {
        epochs,
        batchSize,
        learningRate,
        seed,
        onProgress: throttledProgress(context.log, 5000),
        resumeFrom,
        // After each epoch: the state to resume from if the run is interrupted.
        onCheckpoint: (checkpoint) => saveTrainingCheckpoint(checkpointDir, checkpoint, settings),
      });
      const trainingSeconds = (Date.now() - startedAt) / 1000;
      const { accuracy } = await evaluateAccuracy(
        new NeuronModel(model),
        onClasses(test, classes),
        {
          batchSize: 512,
        },
      );
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
        ...(classes ? { classes } : {}),
      });
      context.print(
        `${modelName} on ${datasetName}: test accuracy ${percent(accuracy)} after ${epochs} epochs (${trainingSeconds.toFixed(1)} s, backend ${backend})`,
      );
      fs.rmSync(checkpointDir, { recursive: true, force: true });
      context.print(`saved to ${path.resolve(outDir)}`);
      return {
        out: path.resolve(outDir),
        model: modelName,
        dataset: datasetName,
        epochs,
        seed,
        backend,
        testAccuracy: accuracy,
        trainingSeconds,
      };
    } finally {
      output.release();
    }
  },
};
