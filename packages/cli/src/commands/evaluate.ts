import {
  assertSliceMatchesModel,
  countKeptParameters,
  evaluateAccuracy,
  loadSlice,
  masksFromNeuronSets,
  sliceSize,
  weightOwnership,
} from '@neusemslice/core';
import type { Command } from '../command';
import { numberOption } from '../args';
import {
  activateBackend,
  checkRuntimeOptions,
  firstSamples,
  percent,
  runtimeOptions,
} from './common';
import { loadModelOption, loadSplitFor, modelAndDatasetOptions } from './model-input';

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary:
    'Test accuracy of a saved model, overall and per class; with --slice, of the masked model',
  options: {
    ...modelAndDatasetOptions,
    slice: {
      type: 'string',
      placeholder: '<file>',
      description: 'Keep only this slice’s critical neurons (masking)',
    },
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      description: 'Evaluate on the first n test samples only (default: all)',
    },
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    // Every option is checked, and the slice file read, before the model and data are loaded.
    const { batchSize } = checkRuntimeOptions(options, context);
    if (options['test-samples'] !== undefined)
      numberOption(options, 'test-samples', { min: 1, max: 1e9, integer: true });
    const slice = typeof options.slice === 'string' ? loadSlice(options.slice) : undefined;
    await activateBackend(options, context);
    const loaded = await loadModelOption(options);
    const model = loaded.neuronModel;
    if (slice) assertSliceMatchesModel(slice, model);
    const test = firstSamples(
      await loadSplitFor(loaded, 'test', options, context),
      options,
      'test-samples',
    );
    let masks;
    if (slice) {
      masks = masksFromNeuronSets(model, slice.critical);
      const size = sliceSize(slice);
      const count = countKeptParameters(weightOwnership(model), masks);
      context.print(
        `slice ${options.slice}: ${size.critical}/${size.total} neurons kept, compression rate ${percent(count.compressionRate)}`,
      );
    }
    const report = await evaluateAccuracy(model, test, {
      masks,
      batchSize,
    });
    context.print(
      `${test.name}: accuracy ${percent(report.accuracy)} on ${report.samples} samples${masks ? ' (masked)' : ''}`,
    );
    report.perClassAccuracy.forEach((accuracy, label) => {
      const name = test.classNames?.[label] ?? String(label);
      context.print(`  class ${label} ${name.padEnd(12)} ${percent(accuracy)}`);
    });
    return {
      dataset: test.name,
      samples: report.samples,
      accuracy: report.accuracy,
      perClassAccuracy: Array.from(report.perClassAccuracy),
      masked: masks !== undefined,
    };
  },
};
