import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  componentLookup,
  type LabeledDataset,
  loadSlice,
  resolveComponent,
  saveSlice,
  type Slice,
  sliceSize,
  UsageError,
  writeFileAtomic,
} from '@neusemslice/core';
import { classSubset } from '@neusemslice/data';
import {
  checkDisjointTasks,
  INCREMENTAL_DEFAULTS,
  INCREMENTAL_STRATEGIES,
  parseClassList,
} from '@neusemslice/maintainer-incremental';
import { checkTheta } from '@neusemslice/slicer-semantic';
import {
  checkedNumberOption,
  numberOption,
  type OptionSpecs,
  type ParsedOptions,
  stringOption,
} from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import {
  activateBackend,
  checkRuntimeOptions,
  percent,
  runtimeOptions,
  slicingSubset,
  testSamplesOption,
} from './common';
import { saveMaintainedModel, withModelOutput } from './maintained-model';
import { loadModelOption, loadSplitFor } from './model-input';
import { forceOption } from './output-path';

/** `train --classes 0-4`: train on some classes with a head for every class of the data set. */
export const classesOption: OptionSpecs = {
  classes: {
    type: 'string',
    placeholder: '<list>',
    description:
      'Train and test on these classes only (e.g. 0-4 or 0,2,4); the head keeps a unit per class of the data set',
  },
};

/** The classes of `--classes`, or undefined for all. */
export function trainingClasses(options: ParsedOptions): number[] | undefined {
  if (options.classes === undefined) return undefined;
  return parseClassList(stringOption(options, 'classes'), '--classes');
}

/** The classes of `--task-a` and `--task-b` when given, checked to be disjoint. */
export function taskOptions(options: ParsedOptions): {
  taskA: number[] | undefined;
  taskB: number[] | undefined;
} {
  const taskA =
    options['task-a'] === undefined
      ? undefined
      : parseClassList(stringOption(options, 'task-a'), '--task-a');
  const taskB =
    options['task-b'] === undefined
      ? undefined
      : parseClassList(stringOption(options, 'task-b'), '--task-b');
  if (taskA && taskB) checkDisjointTasks(taskA, taskB);
  return { taskA, taskB };
}

/** The samples of those classes (labels unchanged), or the data set as is. */
export function onClasses(data: LabeledDataset, classes: number[] | undefined): LabeledDataset {
  return classes ? classSubset(data, classes) : data;
}

/** The file the command writes beside the model: every figure and how they were made. */
export const INCREMENTAL_REPORT_FILE = 'incremental-report.json';

export const incrementalCommand: Command = {
  name: 'incremental',
  summary:
    'Learn task B without forgetting task A: train only non-critical neurons, or a baseline (retrain, replay, deeparc, ewc)',
  options: {
    model: {
      type: 'string',
      placeholder: '<dir>',
      required: true,
      description: 'A saved model trained on task A (e.g. `train --classes 0-4`)',
    },
    slice: {
      type: 'string',
      placeholder: '<file>',
      description: 'Slice of the model on task A (default: slice now with Taylor + semantic)',
    },
    theta: {
      type: 'string',
      placeholder: '<Θ>',
      description: 'Without --slice: semantic threshold of the task-A slice (default 0.95)',
    },
    'per-class': {
      type: 'string',
      placeholder: '<n>',
      default: '500',
      description: 'Without --slice: task-A training samples per class to slice on (seeded)',
    },
    dataset: {
      type: 'string',
      placeholder: '<name>',
      description: 'Data set (default: the one the model was trained on)',
    },
    'task-a': {
      type: 'string',
      placeholder: '<list>',
      description: 'Classes of task A (default: the first half, or the model’s recorded classes)',
    },
    'task-b': {
      type: 'string',
      placeholder: '<list>',
      description: 'Classes of task B (default: the other classes)',
    },
    strategy: {
      type: 'string',
      placeholder: '<name>',
      default: 'neusemslice',
      description: INCREMENTAL_STRATEGIES.join(' | '),
    },
    replay: {
      type: 'string',
      placeholder: '<share>',
      description: `replay, neusemslice+replay: share of task A's training data replayed (default ${INCREMENTAL_DEFAULTS.replay})`,
    },
    'ewc-lambda': {
      type: 'string',
      placeholder: '<λ>',
      default: String(INCREMENTAL_DEFAULTS.ewcLambda),
      description: 'ewc: weight λ of the penalty λ/2 Σ F (θ − θ*)²',
    },
    'fisher-samples': {
      type: 'string',
      placeholder: '<n>',
      default: String(INCREMENTAL_DEFAULTS.fisherSamples),
      description: 'ewc: task-A training samples the Fisher diagonal is averaged over',
    },
    epochs: {
      type: 'string',
      placeholder: '<n>',
      default: String(INCREMENTAL_DEFAULTS.epochs),
      description: 'Passes over the task-B training data',
    },
    lr: {
      type: 'string',
      placeholder: '<rate>',
      default: String(INCREMENTAL_DEFAULTS.learningRate),
      description: 'Adam learning rate',
    },
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      description: 'Evaluate on the first n test samples of each task (default: all)',
    },
    out: {
      type: 'string',
      placeholder: '<dir>',
      required: true,
      description: `Directory for the trained model and ${INCREMENTAL_REPORT_FILE}`,
    },
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    // Every option and the output are checked before anything is loaded.
    const maintainer = resolveComponent(context.container, 'maintainer', 'incremental');
    const strategy = stringOption(options, 'strategy');
    if (!(INCREMENTAL_STRATEGIES as readonly string[]).includes(strategy)) {
      throw new UsageError(
        `--strategy must be one of ${INCREMENTAL_STRATEGIES.join(' | ')}, got '${strategy}'`,
      );
    }
    const sliceFile = typeof options.slice === 'string' ? options.slice : undefined;
    if (sliceFile !== undefined && options.theta !== undefined) {
      throw new UsageError('give either --slice <file> or --theta <Θ>, not both');
    }
    if (sliceFile !== undefined && !fs.existsSync(sliceFile)) {
      throw new UsageError(`--slice ${sliceFile} does not exist`);
    }
    const theta =
      options.theta === undefined ? 0.95 : checkedNumberOption(options, 'theta', checkTheta);
    const perClass = numberOption(options, 'per-class', { min: 1, max: 1e6, integer: true });
    let { taskA, taskB } = taskOptions(options);
    const usesReplay = strategy === 'replay' || strategy === 'neusemslice+replay';
    if (options.replay !== undefined && !usesReplay) {
      throw new UsageError(`--replay applies to replay and neusemslice+replay, not '${strategy}'`);
    }
    const replay =
      options.replay === undefined
        ? undefined
        : numberOption(options, 'replay', { min: 0, max: 1 });
    if (replay === 0) throw new UsageError('--replay must be in (0, 1], got 0');
    const ewcLambda = numberOption(options, 'ewc-lambda', { min: 0, max: 1e12 });
    const fisherSamples = numberOption(options, 'fisher-samples', {
      min: 1,
      max: 1e7,
      integer: true,
    });
    const epochs = numberOption(options, 'epochs', { min: 1, max: 1000, integer: true });
    const learningRate = numberOption(options, 'lr', { min: 1e-7, max: 10 });
    const testSamples = testSamplesOption(options);
    const { seed, batchSize } = checkRuntimeOptions(options, context);
    const modelDir = stringOption(options, 'model');
    return withModelOutput(options, [modelDir, sliceFile], async (output) => {
      const backend = await activateBackend(options, context);
      const loaded = await loadModelOption(options);
      const model = loaded.neuronModel;
      // Task A defaults to the classes the model was trained on, when `train --classes` said so.
      const recorded = loaded.metadata?.classes;
      if (!taskA && Array.isArray(recorded) && recorded.length > 0 && taskB === undefined) {
        taskA = (recorded as number[]).slice();
      }
      if (taskA && !taskB) {
        const inA = new Set(taskA);
        taskB = Array.from({ length: model.numClasses }, (_, label) => label).filter(
          (label) => !inA.has(label),
        );
      }
      const train = await loadSplitFor(loaded, 'train', options, context);
      const test = await loadSplitFor(loaded, 'test', options, context);
      const maintainerOptions: Record<string, unknown> = {
        strategy,
        ...(taskA ? { taskA } : {}),
        ...(taskB ? { taskB } : {}),
        ...(replay !== undefined ? { replay } : {}),
        ewcLambda,
        fisherSamples,
        epochs,
        batchSize,
        learningRate,
        seed,
        ...(testSamples !== undefined ? { testSamples } : {}),
      };
      let slice: Slice;
      let sliceMadeNow = false;
      if (sliceFile !== undefined) {
        slice = loadSlice(sliceFile);
      } else {
        const classesA =
          taskA ?? Array.from({ length: Math.floor(model.numClasses / 2) }, (_, label) => label);
        const slicingData = slicingSubset(classSubset(train, classesA), perClass, seed);
        context.log(
          `slicing on task A (classes ${classesA.join(',')}): ${slicingData.size} training samples, Taylor + semantic at Θ = ${theta}`,
        );
        slice = await resolveComponent(context.container, 'slicer', 'semantic').slice({
          model,
          data: slicingData,
          metric: resolveComponent(context.container, 'metric', 'taylor'),
          options: { theta },
          batchSize,
          onProgress: throttledProgress(context.log),
        });
        slice.options = {
          ...slice.options,
          slicingData: { split: 'train', classes: classesA, perClass, seed },
        };
        sliceMadeNow = true;
      }
      const report = await maintainer.maintain({
        model,
        slice,
        trainData: train,
        testData: test,
        options: maintainerOptions,
        components: componentLookup(context.container),
        onProgress: throttledProgress(context.log, 5000),
      });
      const figures = report.figures;
      await saveMaintainedModel(report, 'incremental', output.path, loaded, {
        seed,
        epochs,
        batchSize,
        learningRate,
        backend,
        incrementalFrom: path.resolve(modelDir),
        strategy,
        taskA: report.details?.taskA,
        taskB: report.details?.taskB,
        taskAAccuracy: figures.taskA,
        taskBAccuracy: figures.taskB,
      });
      const sliceOut = path.join(output.path, 'task-a.slice.json');
      if (sliceMadeNow) saveSlice(sliceOut, slice);
      const result = {
        strategy,
        taskA: figures.taskA,
        taskB: figures.taskB,
        mean: figures.mean,
        bwt: figures.bwt,
        taskABefore: figures.taskABefore,
        taskAIncremental: figures.taskAIncremental,
        taskBIncremental: figures.taskBIncremental,
        seconds: figures.seconds,
        bytesKeptFromTaskA: figures.bytesKeptFromTaskA,
        figures,
        details: report.details,
        slice: sliceMadeNow ? sliceOut : path.resolve(sliceFile as string),
        sliceNeurons: sliceSize(slice),
        backend,
        out: output.path,
      };
      writeFileAtomic(
        path.join(output.path, INCREMENTAL_REPORT_FILE),
        `${JSON.stringify({ command: context.commandLine, ...result }, null, 1)}\n`,
      );
      const size = sliceSize(slice);
      context.print(
        `${strategy}: task A ${percent(figures.taskA)} (before ${percent(figures.taskABefore)}, BWT ${(100 * figures.bwt).toFixed(2)} points), task B ${percent(figures.taskB)}, mean ${percent(figures.mean)}  [single head]`,
      );
      context.print(
        `task-incremental (head restricted to the task's classes): task A ${percent(figures.taskAIncremental)}, task B ${percent(figures.taskBIncremental)}`,
      );
      context.print(
        `slice ${size.critical}/${size.total} critical neurons; trained ${figures.trainedParameters} parameters (${percent(figures.trainedShare)}) on ${figures.trainingSamples} samples in ${figures.trainSeconds.toFixed(1)} s; ${figures.bytesKeptFromTaskA} bytes kept from task A`,
      );
      if (report.details?.note) context.print(String(report.details.note));
      context.print(`saved ${output.path}`);
      return result;
    });
  },
};
