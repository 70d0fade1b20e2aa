import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  componentLookup,
  evaluateAccuracy,
  firstSamples,
  type LabeledDataset,
  type MaintenanceReport,
  NeuronModel,
  resolveComponent,
  saveSlice,
  type Slice,
  writeFileAtomic,
} from '@neusemslice/core';
import { classSubset } from '@neusemslice/data';
import { fullSlice } from '@neusemslice/maintainer-restructure';
import { createModel, saveModelToDir, trainModel } from '@neusemslice/models';
import { buildSliceReport } from '@neusemslice/report';
import { checkTheta } from '@neusemslice/slicer-semantic';
import {
  DEFAULT_STUDY_RETRAINING,
  markdownTable,
  PAPER_TABLE4,
  PAPER_TABLE5,
  PAPER_TABLE6,
} from '@neusemslice/studies';
import type { DependencyContainer } from 'tsyringe';
import { checkedNumberOption, numberOption, stringOption } from '../args';
import type { Command, CommandContext } from '../command';
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

/** What the demo writes into its output directory (and all an earlier demo output may hold). */
const OUTPUTS = {
  model: 'mlp-mnist',
  slice: 'mlp-mnist-slice.json',
  pruned: 'mlp-mnist-pruned',
  taskAModel: 'mlp-mnist-task-a',
  report: 'report.html',
  summary: 'summary.md',
} as const;
const OUTPUT_NAMES: readonly string[] = Object.values(OUTPUTS);

/** The classes of task A and task B (paper §5.5: the first and the second half). */
const TASK_A = [0, 1, 2, 3, 4];
const TASK_B = [5, 6, 7, 8, 9];

/** Why an existing directory is not an earlier demo output (which --force may replace). */
function notADemoDirectory(directory: string): string | undefined {
  const foreign = fs
    .readdirSync(directory)
    .filter((name) => !name.startsWith('.') && !OUTPUT_NAMES.includes(name));
  return foreign.length === 0
    ? undefined
    : `holds files the demo did not write (${foreign.slice(0, 3).join(', ')})`;
}

/** One line of the closing table: our figure beside the paper's (MLP-MNIST). */
export interface DemoSummaryRow {
  step: string;
  figure: string;
  /** Share in [0, 1], or a count (iterations). */
  ours: number;
  paper?: number;
}

function formatFigure(row: DemoSummaryRow, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return row.figure === 'NI' ? String(value) : percent(value);
}

/** A claim of the paper about MLP-MNIST and whether the demo's figures show it. */
export interface DemoDirection {
  claim: string;
  holds: boolean;
}

/** The paper's claims that one run of each maintenance task can show. */
export function demoDirections(figures: {
  alone: Record<string, number>;
  withSlice: Record<string, number>;
  full: Record<string, number>;
  ours: Record<string, number>;
  retrain: Record<string, number>;
  grown: Record<string, number>;
}): DemoDirection[] {
  const { alone, withSlice, full, ours, retrain, grown } = figures;
  return [
    {
      claim: 'slice + LAMP compresses more than LAMP alone (Table 4)',
      holds: withSlice.compressionRate > alone.compressionRate,
    },
    {
      claim: 'slice + LAMP needs fewer pruning iterations than LAMP alone (Table 4)',
      holds: withSlice.iterations < alone.iterations,
    },
    {
      claim: 'NeuSemSlice trains fewer parameters than full training against FGSM (Table 5)',
      holds: ours.tpr < full.tpr,
    },
    {
      claim: 'NeuSemSlice reaches the robust accuracy of full training, within 2 points (Table 5)',
      holds: ours.ra >= full.ra - 0.02,
    },
    {
      claim: 'NeuSemSlice keeps task A where retraining forgets it (Table 6)',
      holds: grown.taskA > retrain.taskA + 0.5,
    },
    {
      claim: 'NeuSemSlice learns task B within 2 points of retraining (Table 6)',
      holds: grown.taskB >= retrain.taskB - 0.02,
    },
  ];
}

/** Runs a maintainer by name on the request; its model is returned for the caller to dispose. */
async function maintain(
  container: DependencyContainer,
  name: string,
  request: {
    model: NeuronModel;
    slice: Slice;
    trainData: LabeledDataset;
    testData: LabeledDataset;
    options: Record<string, unknown>;
  },
  context: CommandContext,
): Promise<MaintenanceReport> {
  return resolveComponent(container, 'maintainer', name).maintain({
    ...request,
    components: componentLookup(container),
    onProgress: throttledProgress(context.log, 5000),
  });
}

export const demoCommand: Command = {
  name: 'demo',
  summary:
    'The whole story on MNIST in minutes: train, slice, restructure + prune, re-adapt against FGSM, incremental A → B, an HTML report, and a table beside the paper',
  options: {
    epochs: {
      type: 'string',
      placeholder: '<n>',
      default: '2',
      description: 'Training epochs of the MLP and of the task-A model',
    },
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
    'test-samples': {
      type: 'string',
      placeholder: '<n>',
      default: '2000',
      description: 'Test samples of the maintenance steps and the report',
    },
    out: {
      type: 'string',
      placeholder: '<dir>',
      default: 'runs/demo',
      description: 'Where to save the models, the slice, the report and the summary',
    },
    ...forceOption,
    ...runtimeOptions,
  },
  async run(options, _positionals, context) {
    const epochs = numberOption(options, 'epochs', { min: 1, max: 100, integer: true });
    const theta = checkedNumberOption(options, 'theta', checkTheta);
    const perClass = numberOption(options, 'per-class', { min: 1, max: 6000, integer: true });
    const testSamples = numberOption(options, 'test-samples', {
      min: 1,
      max: 10000,
      integer: true,
    });
    const { seed, batchSize } = checkRuntimeOptions(options, context);
    const { container } = context;
    const metric = resolveComponent(container, 'metric', stringOption(options, 'metric'));
    const slicer = resolveComponent(container, 'slicer', 'semantic');
    for (const [kind, name] of [
      ['maintainer', 'prune'],
      ['maintainer', 'restructure'],
      ['maintainer', 'readapt'],
      ['maintainer', 'incremental'],
      ['pruner', 'lamp'],
      ['attack', 'fgsm'],
    ] as const) {
      resolveComponent(container, kind, name);
    }
    const output = claimOutputPath(stringOption(options, 'out'), {
      optionName: 'out',
      kind: 'directory',
      force: options.force === true,
      sameKind: notADemoDirectory,
    });
    try {
      return await runDemo(output.path);
    } finally {
      output.release();
    }

    async function runDemo(outDir: string): Promise<Record<string, unknown>> {
      const demoStartedAt = Date.now();
      const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
      const backend = await activateBackend(options, context);
      context.print(`backend: ${backend}`);

      const train = await loadSplit('mnist', 'train', options, context);
      const test = await loadSplit('mnist', 'test', options, context);
      const testSubset = firstSamples(test, testSamples);
      context.print(`data: MNIST, ${train.size} training and ${test.size} test images`);

      // 1. Train the paper's MLP.
      context.print('1. train');
      const trainOne = async (data: LabeledDataset, what: string) => {
        const layersModel = createModel('mlp', {
          inputShape: [...data.inputShape],
          numClasses: data.numClasses,
          seed,
        });
        const startedAt = Date.now();
        await trainModel(layersModel, data, {
          epochs,
          batchSize,
          learningRate: 0.001,
          seed,
          onProgress: throttledProgress(context.log, 5000),
        });
        const trainingSeconds = (Date.now() - startedAt) / 1000;
        context.print(
          `  ${what}: MLP 784-512-256-10 trained for ${epochs} epoch(s) in ${trainingSeconds.toFixed(1)} s`,
        );
        return { layersModel, trainingSeconds };
      };
      const { layersModel, trainingSeconds } = await trainOne(train, 'all ten digits');
      const model = new NeuronModel(layersModel);
      const { accuracy } = await evaluateAccuracy(model, test, { batchSize: 512 });
      context.print(`  test accuracy ${percent(accuracy)}`);
      await saveModelToDir(layersModel, path.join(outDir, OUTPUTS.model), {
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
      const originalTestAccuracy = (await evaluateAccuracy(model, testSubset, { batchSize: 512 }))
        .accuracy;

      // 2. Slice: the critical neurons of every class.
      context.print('2. slice');
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
        `  ${metric.name} + semantic (Θ = ${theta}) on ${slicingData.size} samples in ${seconds(sliceStartedAt)} s`,
      );
      const sliced = await reportSlice(model, slice, test, context, 512);
      saveSlice(path.join(outDir, OUTPUTS.slice), slice);

      // 3. Restructure + prune: LAMP alone against slice + LAMP (paper Table 4).
      context.print('3. restructure + prune (LAMP, 10% of the remaining weights per iteration)');
      const pruneOptions = {
        pruner: 'lamp',
        step: 0.1,
        tolerance: 1,
        maxIterations: 8,
        fineTune: { epochs: 1, samples: 2000, learningRate: 0.001, batchSize },
        seed,
        originalTestAccuracy,
      };
      const pruneRequest = (pruneSlice: Slice) => ({
        model,
        slice: pruneSlice,
        trainData: train,
        testData: testSubset,
        options: pruneOptions,
      });
      const alone = await maintain(container, 'prune', pruneRequest(fullSlice(model)), context);
      alone.model?.dispose();
      const withSlice = await maintain(container, 'prune', pruneRequest(slice), context);
      for (const [label, report] of [
        ['LAMP alone', alone],
        ['slice + LAMP', withSlice],
      ] as const) {
        const figures = report.figures;
        context.print(
          `  ${label.padEnd(13)} CR ${percent(figures.compressionRate)}, NI ${figures.iterations}, MA ${percent(figures.testAccuracy)} (${figures.parametersAfter} of ${figures.parametersBefore} parameters left)`,
        );
      }
      if (withSlice.model) {
        await saveModelToDir(withSlice.model, path.join(outDir, OUTPUTS.pruned), {
          modelName: 'mlp',
          dataset: 'mnist',
          seed,
          testAccuracy: withSlice.figures.testAccuracy,
        });
        withSlice.model.dispose();
      }

      // 4. Re-adapt against FGSM: train only the critical neurons (paper Table 5).
      context.print('4. re-adapt against FGSM (ε = 0.3)');
      // The Table 5 study's retraining settings (a higher rate than the maintainer's default).
      const readaptOptions = {
        attack: 'fgsm',
        epochs: 2,
        samples: 500,
        learningRate: DEFAULT_STUDY_RETRAINING.learningRate,
        batchSize: DEFAULT_STUDY_RETRAINING.batchSize,
        seed,
      };
      const readapted: Record<string, MaintenanceReport> = {};
      for (const strategy of ['full', 'neusemslice']) {
        const report = await maintain(
          container,
          'readapt',
          {
            model,
            slice,
            trainData: train,
            testData: testSubset,
            options: { ...readaptOptions, strategy },
          },
          context,
        );
        report.model?.dispose();
        readapted[strategy] = report;
        context.print(
          `  ${strategy.padEnd(12)} TPR ${percent(report.figures.tpr)}, RA ${percent(report.figures.ra)}, RAA ${percent(report.figures.raa)}, clean ${percent(report.figures.cleanAccuracy)}`,
        );
      }

      // 5. Incremental development: a model of digits 0–4 learns 5–9 (paper Table 6).
      context.print('5. incremental development: digits 0–4 → 5–9');
      const taskA = await trainOne(classSubset(train, TASK_A), 'task A (digits 0–4)');
      const taskAModel = new NeuronModel(taskA.layersModel);
      await saveModelToDir(taskA.layersModel, path.join(outDir, OUTPUTS.taskAModel), {
        modelName: 'mlp',
        dataset: 'mnist',
        seed,
        epochs,
        classes: TASK_A,
      });
      const taskASlice = await slicer.slice({
        model: taskAModel,
        data: slicingSubset(classSubset(train, TASK_A), perClass, seed),
        metric,
        options: { theta },
        batchSize,
        onProgress: throttledProgress(context.log),
      });
      const incremental: Record<string, MaintenanceReport> = {};
      for (const strategy of ['retrain', 'neusemslice']) {
        const report = await maintain(
          container,
          'incremental',
          {
            model: taskAModel,
            slice: taskASlice,
            trainData: slicingSubset(train, 1000, seed),
            testData: test,
            options: {
              strategy,
              taskA: TASK_A,
              taskB: TASK_B,
              epochs: 1,
              seed,
              testSamples,
            },
          },
          context,
        );
        report.model?.dispose();
        incremental[strategy] = report;
        context.print(
          `  ${strategy.padEnd(12)} task A ${percent(report.figures.taskA)}, task B ${percent(report.figures.taskB)}, mean ${percent(report.figures.mean)}`,
        );
      }
      taskA.layersModel.dispose();

      // 6. The report: what the slice is, as one HTML page.
      context.print('6. report');
      const reportStartedAt = Date.now();
      const { html } = await buildSliceReport({
        model,
        slice,
        testData: test,
        trainData: train,
        container,
        sweepPerClass: 50,
        testSamples: Math.min(testSamples, 1000),
        randomDraws: 3,
        seed,
        batchSize: 256,
        title: 'Slice report: the demo MLP on MNIST',
        commandLine: context.commandLine,
        onProgress: throttledProgress(context.log, 5000),
      });
      const reportFile = path.join(outDir, OUTPUTS.report);
      writeFileAtomic(reportFile, html);
      context.print(`  ${reportFile} (${seconds(reportStartedAt)} s; open it in a browser)`);
      layersModel.dispose();

      // 7. One table: each figure beside the paper's (MLP-MNIST).
      const table4 = PAPER_TABLE4['mlp-mnist'].lamp;
      const table5 = PAPER_TABLE5['mlp-mnist'].fgsm;
      const table6 = PAPER_TABLE6['mlp-mnist'];
      const rows: DemoSummaryRow[] = [
        { step: 'train', figure: 'test accuracy', ours: accuracy },
        { step: 'slice', figure: 'compression rate', ours: sliced.compressionRate },
        { step: 'slice', figure: 'masked accuracy', ours: sliced.masked.accuracy },
        ...(
          [
            ['LAMP alone', alone, table4.alone],
            ['slice + LAMP', withSlice, table4.slice],
          ] as const
        ).flatMap(([step, report, paper]) => [
          {
            step,
            figure: 'CR',
            ours: report.figures.compressionRate,
            paper: paper.compressionRate,
          },
          { step, figure: 'NI', ours: report.figures.iterations, paper: paper.iterations },
          { step, figure: 'MA', ours: report.figures.testAccuracy, paper: paper.testAccuracy },
        ]),
        ...(
          [
            ['FGSM, full training', readapted.full, table5.full],
            ['FGSM, NeuSemSlice', readapted.neusemslice, table5.neusemslice],
          ] as const
        ).flatMap(([step, report, paper]) => [
          { step, figure: 'TPR', ours: report.figures.tpr, paper: paper.tpr },
          { step, figure: 'RA', ours: report.figures.ra, paper: paper.ra },
          { step, figure: 'RAA', ours: report.figures.raa, paper: paper.raa },
        ]),
        ...(
          [
            ['A → B, retrain', incremental.retrain, table6.retrain],
            ['A → B, NeuSemSlice', incremental.neusemslice, table6.neusemslice],
          ] as const
        ).flatMap(([step, report, paper]) => [
          { step, figure: 'task A', ours: report.figures.taskA, paper: paper?.taskA },
          { step, figure: 'task B', ours: report.figures.taskB, paper: paper?.taskB },
        ]),
      ];
      const table = markdownTable(
        ['step', 'figure', 'ours', 'paper (MLP-MNIST)'],
        rows.map((row) => [
          row.step,
          row.figure,
          formatFigure(row, row.ours),
          formatFigure(row, row.paper),
        ]),
      );
      // The paper's directions, checked on our figures: each holds or is said not to.
      const directions = demoDirections({
        alone: alone.figures,
        withSlice: withSlice.figures,
        full: readapted.full.figures,
        ours: readapted.neusemslice.figures,
        retrain: incremental.retrain.figures,
        grown: incremental.neusemslice.figures,
      });
      const directionLines = directions.map(
        (direction) =>
          `- ${direction.claim}: ${direction.holds ? 'holds' : '**does not hold**'} here`,
      );
      const totalSeconds = (Date.now() - demoStartedAt) / 1000;
      const note = `Demo budget (far below the paper's): ${epochs} training epoch(s), pruning fine-tuned on 2,000 samples per iteration with at most 8 iterations, re-adaptation on 500 attacked samples for 2 epochs, task B learnt in 1 epoch from 1,000 samples per class; maintenance figures on the first ${testSubset.size} test samples. The paper reports no slice compression for MLP-MNIST. Run \`neusemslice reproduce\` for every table over seeds.`;
      writeFileAtomic(
        path.join(outDir, OUTPUTS.summary),
        [
          '# Demo summary',
          '',
          `Command: \`${context.commandLine}\` · seed ${seed} · backend ${backend} · ${totalSeconds.toFixed(0)} s`,
          '',
          table,
          '',
          "The paper's directions on these figures:",
          '',
          ...directionLines,
          '',
          note,
          '',
        ].join('\n'),
      );
      context.print('');
      context.print(table);
      context.print('');
      context.print("The paper's directions on these figures:");
      for (const line of directionLines) context.print(line);
      context.print('');
      context.print(note);
      context.print(
        `saved the models, the slice, the report and summary.md under ${outDir} (${totalSeconds.toFixed(0)} s in all)`,
      );
      return {
        backend,
        outDir,
        files: Object.fromEntries(
          Object.entries(OUTPUTS).map(([key, name]) => [key, path.join(outDir, name)]),
        ),
        summary: rows,
        directions,
        seconds: totalSeconds,
      };
    }
  },
};
