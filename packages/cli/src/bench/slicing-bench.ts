import * as path from 'node:path';
import {
  type LabeledDataset,
  type NeuronModel,
  rankNeurons,
  resolveComponent,
  scorePerCategory,
  writeFileAtomic,
} from '@neusemslice/core';
import { neuronGramProducts, similarityCurve, smallestPrefix } from '@neusemslice/slicer-semantic';
import type { DependencyContainer } from 'tsyringe';
import { describeMachine } from './machine';
import { secondsSince } from './elapsed';
import type { BenchRunOptions } from './bench-run';

export interface SlicingBenchRow {
  metric: string;
  /** Scoring each category's samples with the metric. */
  scoreSeconds: number;
  /** Streaming the per-category neuron Gram products (one pass over the samples). */
  gramSeconds: number;
  /** The prefix scans of every category and layer. */
  scanSeconds: number;
  /** `slicer.slice()` end to end (its own scoring, Grams and scans). */
  sliceSeconds: number;
}

/**
 * Time to score and semantically slice a model on a data set, per metric, split into scoring,
 * Gram accumulation and the scan; and the scan of one layer over a 1,000-sample subset.
 */
export async function runSlicingBench(
  container: DependencyContainer,
  model: NeuronModel,
  data: LabeledDataset,
  options: {
    metrics: string[];
    theta: number;
    batchSize: number;
    modelLabel: string;
  } & BenchRunOptions,
): Promise<{ rows: SlicingBenchRow[]; markdown: string }> {
  const slicer = resolveComponent(container, 'slicer', 'semantic');
  const byClass = Array.from({ length: data.numClasses }, (_, category) => category);
  const rows: SlicingBenchRow[] = [];
  // The Grams do not depend on the metric: measure them once per category, as the slicer does.
  let started = process.hrtime.bigint();
  const gramsByCategory = new Map<number, Map<string, Float64Array>>();
  const labels = data.labels();
  for (const category of byClass) {
    const indices = Int32Array.from(
      Array.from(labels.keys()).filter((index) => labels[index] === category),
    );
    gramsByCategory.set(
      category,
      await neuronGramProducts(model, data.subset(indices), {
        features: 'spatial-mean',
        centered: true,
        batchSize: options.batchSize,
        task: 'gram',
      }),
    );
  }
  const gramSeconds = secondsSince(started);
  for (const metricName of options.metrics) {
    const metric = resolveComponent(container, 'metric', metricName);
    options.log(`bench: slicing ${options.modelLabel} with ${metricName}…`);
    started = process.hrtime.bigint();
    // One thread throughout: this table splits the single-thread cost into its phases.
    const scores = await scorePerCategory(metric, model, data, {
      batchSize: options.batchSize,
      workers: 1,
    });
    const scoreSeconds = secondsSince(started);
    started = process.hrtime.bigint();
    for (const [category, grams] of gramsByCategory) {
      for (const layer of model.neuronLayers) {
        const curve = similarityCurve(
          grams.get(layer.name) as Float64Array,
          layer.units,
          rankNeurons((scores.get(category) as Record<string, Float64Array>)[layer.name]),
        );
        smallestPrefix(curve, options.theta);
      }
    }
    const scanSeconds = secondsSince(started);
    started = process.hrtime.bigint();
    await slicer.slice({
      model,
      data,
      metric,
      options: { theta: options.theta },
      batchSize: options.batchSize,
      workers: 1,
    });
    const sliceSeconds = secondsSince(started);
    rows.push({ metric: metricName, scoreSeconds, gramSeconds, scanSeconds, sliceSeconds });
    options.log(
      `bench: ${metricName}: slice ${sliceSeconds.toFixed(2)} s (scan ${(1000 * scanSeconds).toFixed(1)} ms)`,
    );
  }

  // One 512-neuron layer (the widest) over 1,000 samples: Gram accumulation, then the scan alone.
  const widest = [...model.neuronLayers].sort((a, b) => b.units - a.units)[0];
  const thousand = data.subset(
    Int32Array.from({ length: Math.min(1000, data.size) }, (_, index) => index),
  );
  started = process.hrtime.bigint();
  const grams = await neuronGramProducts(model, thousand, {
    features: 'spatial-mean',
    centered: true,
    batchSize: options.batchSize,
    task: 'gram',
  });
  const layerGramSeconds = secondsSince(started);
  const ranked = Array.from({ length: widest.units }, (_, index) => index);
  const repeats = 20;
  started = process.hrtime.bigint();
  for (let repeat = 0; repeat < repeats; repeat++)
    similarityCurve(grams.get(widest.name) as Float64Array, widest.units, ranked);
  const layerScanSeconds = secondsSince(started) / repeats;

  const lines = [
    `# Slicing speed: ${options.modelLabel}`,
    '',
    `Command: \`${options.commandLine}\` · seed 1 · semantic slicer, Θ = ${options.theta} · batch ${options.batchSize} · backend ${options.backend}`,
    `Machine: ${describeMachine()} · date ${new Date().toISOString().slice(0, 10)}`,
    `Data: ${data.size} training samples (${data.size / data.numClasses} per class, seeded), ${model.neuronLayers.map((l) => `${l.name} ${l.units}`).join(', ')} neurons.`,
    '',
    '| metric | score per category (s) | neuron Grams (s) | scans, all categories and layers (ms) | slice end to end (s) | scan share |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.metric} | ${row.scoreSeconds.toFixed(2)} | ${row.gramSeconds.toFixed(2)} | ${(1000 * row.scanSeconds).toFixed(1)} | ${row.sliceSeconds.toFixed(2)} | ${((100 * row.scanSeconds) / row.sliceSeconds).toFixed(2)}% |`,
    ),
    '',
    `The neuron Grams do not depend on the metric (measured once: ${gramSeconds.toFixed(2)} s); "slice end to end" includes the slicer's own scoring and Grams.`,
    '',
    `One ${widest.units}-neuron layer (${widest.name}) over ${thousand.size} samples: Gram accumulation ${(1000 * layerGramSeconds).toFixed(1)} ms (all layers in one pass), prefix scan ${(1000 * layerScanSeconds).toFixed(2)} ms (mean of ${repeats}); target < 100 ms for the scan: ${layerScanSeconds < 0.1 ? 'met' : 'NOT met'}.`,
    '',
  ];
  const markdown = lines.join('\n');
  writeFileAtomic(path.join(options.outDir, 'slicing-speed.md'), markdown);
  return { rows, markdown };
}
