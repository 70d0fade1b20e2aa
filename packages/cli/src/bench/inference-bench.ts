import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  componentLookup,
  type LabeledDataset,
  NeuronModel,
  resolveComponent,
  sliceSize,
  writeFileAtomic,
} from '@neusemslice/core';
import { createModel, trainModel } from '@neusemslice/models';
import type { DependencyContainer } from 'tsyringe';
import { describeMachine } from './machine';
import { secondsSince } from './elapsed';
import type { BenchRunOptions } from './bench-run';
import { inputBatches, predictBatches } from './speed-vs-pytorch';

/** The two models of the paper's restructuring table, trained briefly on MNIST. */
const MODELS = [
  { name: 'mlp', label: 'MLP-MNIST' },
  { name: 'lenet5', label: 'LeNet-5-MNIST' },
] as const;

export interface InferenceBenchSettings {
  /** Training epochs before slicing (brief: the speed does not depend on how well it learnt). */
  epochs: number;
  /** Semantic slicer threshold Θ, Taylor metric. */
  theta: number;
  /** Training samples per class to slice on (seeded). */
  slicingPerClass: number;
  /** Test samples the accuracies are measured on. */
  testSamples: number;
  /** Samples per timed pass, per batch size. */
  timedSamples: Record<number, number>;
  /** Timed passes per model (original and restructured alternate); the median is reported. */
  rounds: number;
  seed: number;
}

export const DEFAULT_INFERENCE_BENCH: InferenceBenchSettings = {
  epochs: 1,
  theta: 0.95,
  slicingPerClass: 200,
  testSamples: 2000,
  timedSamples: { 128: 8192, 1: 512 },
  rounds: 7,
  seed: 1,
};

export interface InferenceBenchRow {
  model: string;
  neuronsBefore: number;
  neuronsAfter: number;
  parametersBefore: number;
  parametersAfter: number;
  testAccuracyMasked: number;
  testAccuracy: number;
  /** Kept / all neurons per neuron layer, e.g. { fc1: [300, 512] }. */
  neuronsPerLayer: Record<string, [number, number]>;
  /** Samples per second by batch size (median of the rounds), original and restructured. */
  originalSamplesPerSecond: Record<number, Throughput>;
  restructuredSamplesPerSecond: Record<number, Throughput>;
}

/** Samples per second over the timed rounds. */
export interface Throughput {
  median: number;
  min: number;
  max: number;
}

function throughputOf(rates: number[]): Throughput {
  const sorted = [...rates].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Seconds for one forward pass of the model over the batches, each result read back. */
function timePass(model: tf.LayersModel, batches: tf.Tensor[]): number {
  const started = process.hrtime.bigint();
  predictBatches(model, batches);
  return secondsSince(started);
}

/**
 * Samples per second of two models on the same inputs: one warm-up pass each, then `rounds`
 * passes alternating between them (so drift of the machine hits both alike), medians reported.
 */
function compareThroughput(
  original: tf.LayersModel,
  restructured: tf.LayersModel,
  batches: tf.Tensor[],
  rounds: number,
): { original: Throughput; restructured: Throughput } {
  const samples = batches.reduce((sum, x) => sum + x.shape[0], 0);
  timePass(original, batches.slice(0, 2));
  timePass(restructured, batches.slice(0, 2));
  const originalRates: number[] = [];
  const restructuredRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    originalRates.push(samples / timePass(original, batches));
    restructuredRates.push(samples / timePass(restructured, batches));
  }
  return { original: throughputOf(originalRates), restructured: throughputOf(restructuredRates) };
}

/**
 * Inference speed of the original and the restructured MLP-MNIST and LeNet-5 side by side: each
 * trained briefly, sliced (Taylor + semantic, Θ), restructured by the `restructure` maintainer,
 * then timed with `predict` at each batch size. Writes restructured-inference.md.
 */
export async function runInferenceBench(
  container: DependencyContainer,
  train: LabeledDataset,
  test: LabeledDataset,
  options: BenchRunOptions & {
    settings?: Partial<InferenceBenchSettings>;
    /** Slicing data per model: a seeded per-class subset of `train`. */
    slicingData: (perClass: number, seed: number) => LabeledDataset;
  },
): Promise<{ rows: InferenceBenchRow[]; markdown: string }> {
  const settings = { ...DEFAULT_INFERENCE_BENCH, ...options.settings };
  const loadAtStart = os.loadavg()[0];
  const slicer = resolveComponent(container, 'slicer', 'semantic');
  const metric = resolveComponent(container, 'metric', 'taylor');
  const restructure = resolveComponent(container, 'maintainer', 'restructure');
  const testSubset = test.subset(
    Int32Array.from({ length: Math.min(settings.testSamples, test.size) }, (_, index) => index),
    `${test.name}[0:${Math.min(settings.testSamples, test.size)}]`,
  );
  const slicingData = options.slicingData(settings.slicingPerClass, settings.seed);
  const rows: InferenceBenchRow[] = [];
  for (const { name, label } of MODELS) {
    options.log(`bench: training ${label} for ${settings.epochs} epoch(s)…`);
    const layersModel = createModel(name, {
      inputShape: [...train.inputShape],
      numClasses: train.numClasses,
      seed: settings.seed,
    });
    await trainModel(layersModel, train, {
      epochs: settings.epochs,
      batchSize: 128,
      learningRate: 0.001,
      seed: settings.seed,
    });
    const model = new NeuronModel(layersModel);
    options.log(`bench: slicing ${label} (taylor, semantic Θ = ${settings.theta})…`);
    const slice = await slicer.slice({
      model,
      data: slicingData,
      metric,
      options: { theta: settings.theta },
      batchSize: 128,
    });
    const report = await restructure.maintain({
      model,
      slice,
      trainData: slicingData,
      testData: testSubset,
      options: {},
      components: componentLookup(container),
    });
    const restructured = report.model as tf.LayersModel;
    const originalRates: Record<number, Throughput> = {};
    const restructuredRates: Record<number, Throughput> = {};
    for (const [batchSizeText, samples] of Object.entries(settings.timedSamples)) {
      const batchSize = Number(batchSizeText);
      const batches = inputBatches(test, samples, batchSize);
      options.log(`bench: timing ${label} inference, batch ${batchSize}…`);
      const rates = compareThroughput(layersModel, restructured, batches, settings.rounds);
      tf.dispose(batches);
      originalRates[batchSize] = rates.original;
      restructuredRates[batchSize] = rates.restructured;
    }
    const size = sliceSize(slice);
    rows.push({
      model: label,
      neuronsBefore: size.total,
      neuronsAfter: size.critical,
      parametersBefore: report.figures.parametersBefore,
      parametersAfter: report.figures.parametersAfter,
      testAccuracyMasked: report.figures.testAccuracyMasked,
      testAccuracy: report.figures.testAccuracy,
      neuronsPerLayer: Object.fromEntries(
        model.neuronLayers.map((layer) => [
          layer.name,
          [size.perLayer[layer.name], layer.units] as [number, number],
        ]),
      ),
      originalSamplesPerSecond: originalRates,
      restructuredSamplesPerSecond: restructuredRates,
    });
    restructured.dispose();
    layersModel.dispose();
  }
  const markdown = inferenceMarkdown(rows, settings, {
    ...options,
    loadAverages: [loadAtStart, os.loadavg()[0]],
  });
  writeFileAtomic(path.join(options.outDir, 'restructured-inference.md'), markdown);
  return { rows, markdown };
}

function inferenceMarkdown(
  rows: InferenceBenchRow[],
  settings: InferenceBenchSettings,
  options: { commandLine: string; backend: string; loadAverages: [number, number] },
): string {
  const percent = (share: number) => `${(100 * share).toFixed(2)}%`;
  const batchSizes = Object.keys(settings.timedSamples).map(Number);
  const lines = [
    '# Inference speed of restructured models',
    '',
    `Command: \`${options.commandLine}\` · seed ${settings.seed} · backend ${options.backend}`,
    `Machine: ${describeMachine()} · date ${new Date().toISOString().slice(0, 10)} · ` +
      `1-minute load average ${options.loadAverages[0].toFixed(1)} at the start, ${options.loadAverages[1].toFixed(1)} at the end`,
    '',
    `Each model is trained for ${settings.epochs} epoch(s) on the MNIST training set (Adam, lr 0.001, batch 128), ` +
      `sliced with the Taylor metric and the semantic slicer at Θ = ${settings.theta} on ${settings.slicingPerClass} training samples per class, ` +
      `and restructured by the \`restructure\` maintainer (a new tfjs model without the non-critical neurons). ` +
      `Test accuracy on the first ${settings.testSamples} MNIST test images. Speed: the forward pass (\`model.apply\`, no \`predict\` batch loop) on MNIST test images, ` +
      `output read back; one warm-up pass, then ${settings.rounds} passes alternating original and restructured; ` +
      `median samples/s, with the slowest and fastest pass in brackets.`,
    '',
    '| model | neurons kept per layer | parameters | compression rate | test accuracy masked → restructured |',
    '|---|---|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.model} | ${Object.entries(row.neuronsPerLayer)
          .map(([layer, [kept, units]]) => `${layer} ${kept}/${units}`)
          .join(
            ', ',
          )} | ${row.parametersBefore} → ${row.parametersAfter} | ${percent(1 - row.parametersAfter / row.parametersBefore)} | ${percent(row.testAccuracyMasked)} → ${percent(row.testAccuracy)} |`,
    ),
    '',
    `| model | batch | samples per pass | original (samples/s) | restructured (samples/s) | restructured / original |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  const spread = (rate: Throughput) =>
    `${rate.median.toFixed(0)} [${rate.min.toFixed(0)}–${rate.max.toFixed(0)}]`;
  const slower: string[] = [];
  const withinNoise: string[] = [];
  for (const row of rows) {
    for (const batchSize of batchSizes) {
      const original = row.originalSamplesPerSecond[batchSize];
      const restructured = row.restructuredSamplesPerSecond[batchSize];
      const ratio = restructured.median / original.median;
      const where = `${row.model} at batch ${batchSize}`;
      if (ratio < 1) slower.push(`${where} (${ratio.toFixed(2)}×)`);
      if (restructured.min <= original.max && original.min <= restructured.max) {
        withinNoise.push(where);
      }
      lines.push(
        `| ${row.model} | ${batchSize} | ${settings.timedSamples[batchSize]} | ${spread(original)} | ${spread(restructured)} | ${ratio.toFixed(2)}× |`,
      );
    }
  }
  lines.push('');
  lines.push(
    slower.length === 0
      ? 'The restructured model was faster than the original in every row (medians).'
      : `The restructured model was NOT faster for ${slower.join(' and ')}: fewer parameters do not by themselves make inference faster on this backend; compare the brackets to judge the noise of the run.`,
  );
  if (withinNoise.length > 0) {
    lines.push(
      '',
      `The slowest–fastest ranges of original and restructured overlap for ${withinNoise.join(', ')}: ` +
        'there the difference is within the noise of this run (the load average above says how busy the machine was).',
    );
  }
  lines.push('');
  return lines.join('\n');
}
