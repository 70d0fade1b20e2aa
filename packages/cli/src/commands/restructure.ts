import * as fs from 'node:fs';
import * as path from 'node:path';
import { componentLookup, loadSlice, resolveComponent, sliceSize } from '@neusemslice/core';
import { WEIGHTS_FILE } from '@neusemslice/models';
import { stringOption } from '../args';
import type { Command } from '../command';
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
import { loadModelOption, loadSplitFor } from './model-input';
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
    const { batchSize } = checkRuntimeOptions(options, context);
    testSamplesOption(options);
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
      const report = await restructure.maintain({
        model,
        slice,
        // Restructuring trains nothing: the test split stands in for the training data.
        trainData: test,
        testData: test,
        options: { batchSize },
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
