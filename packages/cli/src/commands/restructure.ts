import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  componentLookup,
  type LabeledDataset,
  loadSlice,
  resolveComponent,
  type Slice,
  sliceSize,
  UsageError,
} from '@neusemslice/core';
import { WEIGHTS_FILE } from '@neusemslice/models';
import { numberOption, type ParsedOptions, stringOption } from '../args';
import type { Command, CommandContext } from '../command';
import { throttledProgress } from '../progress-printer';
import {
  activateBackend,
  checkRuntimeOptions,
  firstSamples,
  percent,
  runtimeOptions,
  testSamplesOption,
} from './common';
import { modelAndSliceOptions, saveMaintainedModel, withModelOutput } from './maintained-model';
import {
  type LoadedModel,
  loadModelOption,
  loadSlicingSubsetFor,
  loadSplitFor,
} from './model-input';
import { forceOption } from './output-path';

/** Bytes as KiB with one decimal. */
function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Size of a saved model's weights file, or NaN when it has none under the usual name. */
function weightsFileBytes(directory: string): number {
  const file = path.join(directory, WEIGHTS_FILE);
  return fs.existsSync(file) ? fs.statSync(file).size : NaN;
}

const FILLS = ['zero', 'mean'] as const;

/** `--fill`, checked: zero (default) or mean. */
function fillOption(options: ParsedOptions): (typeof FILLS)[number] {
  const fill = options.fill === undefined ? 'zero' : stringOption(options, 'fill');
  if (!(FILLS as readonly string[]).includes(fill)) {
    throw new UsageError(`--fill must be zero or mean, got '${fill}'`);
  }
  return fill as (typeof FILLS)[number];
}

/**
 * The data mean replacement averages over: the slice's own slicing data when it records it
 * (`slice` does: split, per class, seed), else `--mean-per-class` (default 100) seeded samples.
 */
async function meanDataFor(
  slice: Slice,
  loaded: LoadedModel,
  given: { meanPerClass?: number; seed: number },
  options: ParsedOptions,
  context: CommandContext,
): Promise<LabeledDataset> {
  const recorded = slice.options.slicingData as { perClass?: unknown; seed?: unknown } | undefined;
  const recordedPerClass = typeof recorded?.perClass === 'number' ? recorded.perClass : undefined;
  const recordedSeed = typeof recorded?.seed === 'number' ? recorded.seed : undefined;
  const perClass = given.meanPerClass ?? recordedPerClass ?? DEFAULT_MEAN_PER_CLASS;
  const seed =
    given.meanPerClass === undefined && recordedSeed !== undefined ? recordedSeed : given.seed;
  context.log(
    `mean replacement: neuron means over ${perClass} training samples per class (seed ${seed}${
      given.meanPerClass === undefined && recordedPerClass !== undefined
        ? ', the slice’s own slicing data'
        : ''
    })`,
  );
  return loadSlicingSubsetFor(loaded, perClass, seed, options, context);
}

const DEFAULT_MEAN_PER_CLASS = 100;

export const restructureCommand: Command = {
  name: 'restructure',
  summary:
    'Rebuild a saved model with only a slice’s critical neurons: a smaller standard tfjs model',
  options: {
    ...modelAndSliceOptions,
    dataset: {
      type: 'string',
      placeholder: '<name>',
      description: 'Data set for the test accuracy (default: the one the model was trained on)',
    },
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      description: 'Evaluate on the first n test samples only (default: all)',
    },
    fill: {
      type: 'string',
      placeholder: '<zero|mean>',
      description:
        "What removed neurons leave behind: zero (default, masking) or mean (each one's mean output over the slicing data, folded into the next layer's bias)",
    },
    'mean-per-class': {
      type: 'string',
      placeholder: '<n>',
      description:
        'With --fill mean and a slice that does not record its slicing data: training samples per class to take the means over (seeded; default 100)',
    },
    out: {
      type: 'string',
      placeholder: '<dir>',
      required: true,
      description: 'Directory to save the restructured model in',
    },
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    // Every option and the output path are checked before anything is loaded.
    const restructure = resolveComponent(context.container, 'maintainer', 'restructure');
    const { batchSize, seed } = checkRuntimeOptions(options, context);
    testSamplesOption(options);
    const fill = fillOption(options);
    const meanPerClass =
      options['mean-per-class'] === undefined
        ? undefined
        : numberOption(options, 'mean-per-class', { min: 1, max: 1e6, integer: true });
    if (meanPerClass !== undefined && fill !== 'mean') {
      throw new UsageError('--mean-per-class needs --fill mean');
    }
    const modelDir = stringOption(options, 'model');
    const sliceFile = stringOption(options, 'slice');
    return withModelOutput(options, [modelDir, sliceFile], async (output) => {
      const backend = await activateBackend(options, context);
      const slice = loadSlice(sliceFile);
      const loaded = await loadModelOption(options);
      const model = loaded.neuronModel;
      const test = firstSamples(
        await loadSplitFor(loaded, 'test', options, context),
        options,
        'test-samples',
      );
      // Mean replacement takes the means over the data the slice was made on, where recorded.
      const meanData =
        fill === 'mean'
          ? await meanDataFor(slice, loaded, { meanPerClass, seed }, options, context)
          : undefined;
      const report = await restructure.maintain({
        model,
        slice,
        // Restructuring trains nothing: the test split stands in for the training data, except
        // that mean replacement reads its means from the slicing data.
        trainData: meanData ?? test,
        testData: test,
        options: { batchSize, fill },
        components: componentLookup(context.container),
        onProgress: throttledProgress(context.log),
      });
      const figures = report.figures;
      await saveMaintainedModel(report, 'restructure', output.path, loaded, {
        testAccuracy: figures.testAccuracy,
        backend,
        restructuredFrom: path.resolve(modelDir),
        slice: path.resolve(sliceFile),
        slicer: slice.slicer,
        metric: slice.metric,
        parametersBefore: figures.parametersBefore,
        parametersAfter: figures.parametersAfter,
        compressionRate: figures.compressionRate,
        fill,
      });
      const filesBefore = weightsFileBytes(modelDir);
      const filesAfter = weightsFileBytes(output.path);
      const size = sliceSize(slice);
      context.print(
        `restructured with ${size.critical}/${size.total} neurons (${slice.slicer} slice, ${slice.metric}): parameters ${figures.parametersBefore} → ${figures.parametersAfter}, compression rate ${percent(figures.compressionRate)}`,
      );
      context.print(
        `weights ${kib(figures.weightsBytesBefore)} → ${kib(figures.weightsBytesAfter)}, gzip ${kib(figures.gzipBytesBefore)} → ${kib(figures.gzipBytesAfter)}; ${WEIGHTS_FILE} on disk ${kib(filesBefore)} → ${kib(filesAfter)}`,
      );
      context.print(
        `${test.name}: test accuracy ${percent(figures.testAccuracy)} restructured, ${percent(figures.testAccuracyMasked)} masked (backend ${backend})`,
      );
      context.print(`saved ${output.path}`);
      return {
        parametersBefore: figures.parametersBefore,
        parametersAfter: figures.parametersAfter,
        compressionRate: figures.compressionRate,
        testAccuracy: figures.testAccuracy,
        testAccuracyMasked: figures.testAccuracyMasked,
        fill,
        weightsBytesBefore: figures.weightsBytesBefore,
        weightsBytesAfter: figures.weightsBytesAfter,
        gzipBytesBefore: figures.gzipBytesBefore,
        gzipBytesAfter: figures.gzipBytesAfter,
        weightsFileBytesBefore: filesBefore,
        weightsFileBytesAfter: filesAfter,
        out: output.path,
      };
    });
  },
};
