import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  checkKeepRatio,
  loadSlice,
  resolveComponent,
  writeFileAtomic,
  type Slice,
} from '@neusemslice/core';
import { buildSliceReport, isSliceReportHtml, REPORT_DEFAULTS } from '@neusemslice/report';
import { checkTheta } from '@neusemslice/slicer-semantic';
import {
  checkedNumberOption,
  listOption,
  numberOption,
  stringOption,
  type ParsedOptions,
} from '../args';
import type { Command } from '../command';
import { throttledProgress } from '../progress-printer';
import { activateBackend, checkRuntimeOptions, percent, runtimeOptions } from './common';
import { loadModelOption, loadSplitFor } from './model-input';
import { claimOutputPath, forceOption } from './output-path';

/** Why an existing file may not be replaced by a report (see checkOutputPath). */
function notAReportFile(file: string): string | undefined {
  if (!fs.statSync(file).isFile()) return undefined;
  const descriptor = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2000);
    const bytes = fs.readSync(descriptor, head, 0, head.length, 0);
    return isSliceReportHtml(head.subarray(0, bytes).toString('utf8'))
      ? undefined
      : 'is not a slice report';
  } finally {
    fs.closeSync(descriptor);
  }
}

/** Range checks of the sweep values for the options the built-in slicers sweep. */
const SWEEP_VALUE_CHECKS: Record<string, (value: number) => number> = {
  theta: (value) => checkTheta(value),
  keepRatio: (value) => checkKeepRatio('report', value),
};

function sweepValuesOption(
  options: ParsedOptions,
  sweepOption: string | undefined,
): number[] | undefined {
  if (options['sweep-values'] === undefined) return undefined;
  return listOption(options, 'sweep-values').map((entry) =>
    checkedNumberOption({ 'sweep-values': entry }, 'sweep-values', (value) =>
      sweepOption && SWEEP_VALUE_CHECKS[sweepOption]
        ? SWEEP_VALUE_CHECKS[sweepOption](value)
        : value,
    ),
  );
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'Write one self-contained HTML page that shows a slice (charts work offline)',
  options: {
    model: {
      type: 'string',
      placeholder: '<dir>',
      required: true,
      description: 'Directory of the saved model the slice was made for',
    },
    slice: {
      type: 'string',
      placeholder: '<file>',
      required: true,
      description: 'Slice file (neusemslice slice)',
    },
    compare: {
      type: 'string',
      placeholder: '<file>',
      description: 'A second slice of the same architecture: neurons gained, lost, kept',
    },
    dataset: {
      type: 'string',
      placeholder: '<name>',
      description: 'Data set (default: the one the model was trained on)',
    },
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      default: String(REPORT_DEFAULTS.testSamples),
      description: 'Evaluate on the first n test samples',
    },
    'sweep-per-class': {
      type: 'string',
      placeholder: '<n>',
      default: String(REPORT_DEFAULTS.sweepPerClass),
      description: 'Training samples per class the sweep slices on (seeded)',
    },
    'sweep-values': {
      type: 'string',
      placeholder: '<list>',
      description: 'Values of the slicer’s option to sweep, e.g. 0.8,0.9,0.95 (Θ for semantic)',
    },
    'random-draws': {
      type: 'string',
      placeholder: '<n>',
      default: String(REPORT_DEFAULTS.randomDraws),
      description: 'Random slices per sweep point for the mean ± std band',
    },
    title: {
      type: 'string',
      placeholder: '<text>',
      description: 'Page title (default: Slice report: <model name>)',
    },
    out: {
      type: 'string',
      placeholder: '<file>',
      required: true,
      description: 'Where to write the report (HTML)',
    },
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    // Every option, the slices and the output path are checked before the model or data load.
    const { seed, batchSize } = checkRuntimeOptions(options, context);
    const testSamples = numberOption(options, 'test-samples', { min: 1, max: 1e9, integer: true });
    const sweepPerClass = numberOption(options, 'sweep-per-class', {
      min: 1,
      max: 1e6,
      integer: true,
    });
    const randomDraws = numberOption(options, 'random-draws', {
      min: 1,
      max: 1000,
      integer: true,
    });
    const modelDir = stringOption(options, 'model');
    const sliceFile = stringOption(options, 'slice');
    const compareFile = typeof options.compare === 'string' ? options.compare : undefined;
    const output = claimOutputPath(stringOption(options, 'out'), {
      optionName: 'out',
      kind: 'file',
      inputs: [modelDir, sliceFile, compareFile],
      force: options.force === true,
      sameKind: notAReportFile,
    });
    try {
      const slice = loadSlice(sliceFile);
      const compare: Slice | undefined = compareFile ? loadSlice(compareFile) : undefined;
      resolveComponent(context.container, 'metric', slice.metric);
      const slicer = resolveComponent(context.container, 'slicer', slice.slicer);
      const sweepValues = sweepValuesOption(options, slicer.sweepOption);
      await activateBackend(options, context);
      const loaded = await loadModelOption(options);
      const test = await loadSplitFor(loaded, 'test', options, context);
      const train = await loadSplitFor(loaded, 'train', options, context);
      const startedAt = Date.now();
      const { html, figures } = await buildSliceReport({
        model: loaded.neuronModel,
        slice,
        compare,
        testData: test,
        trainData: train,
        container: context.container,
        sweepValues,
        sweepPerClass,
        testSamples,
        randomDraws,
        seed,
        batchSize,
        title: typeof options.title === 'string' ? options.title : undefined,
        commandLine: context.commandLine,
        onProgress: throttledProgress(context.log),
      });
      writeFileAtomic(output.path, html);
      const seconds = (Date.now() - startedAt) / 1000;
      const { overall } = figures.classAccuracy;
      context.print(
        `${figures.criticalNeurons}/${figures.totalNeurons} neurons critical; test accuracy on ${figures.testSamples} samples: original ${percent(overall.original ?? NaN)}, masked ${percent(overall.masked ?? NaN)}${overall.restructured !== undefined ? `, restructured ${percent(overall.restructured)}` : ''}`,
      );
      for (const [section, notes] of Object.entries(figures.notes)) {
        for (const note of notes) context.print(`note (${section}): ${note}`);
      }
      context.print(
        `saved ${path.resolve(output.path)} (${Buffer.byteLength(html)} bytes) after ${seconds.toFixed(1)} s`,
      );
      return {
        out: output.path,
        bytes: Buffer.byteLength(html),
        modelName: figures.modelName,
        metric: figures.metric,
        slicer: figures.slicer,
        criticalNeurons: figures.criticalNeurons,
        totalNeurons: figures.totalNeurons,
        testSamples: figures.testSamples,
        sweepSamples: figures.sweepSamples,
        accuracy: overall,
        sweepOption: figures.sweepOption ?? null,
        sweep: figures.sweep,
        changes: figures.changes ?? null,
        notes: figures.notes,
        seconds,
      };
    } finally {
      output.release();
    }
  },
};
