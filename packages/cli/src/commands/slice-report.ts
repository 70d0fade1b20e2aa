import {
  type AccuracyReport,
  countKeptParameters,
  evaluateAccuracy,
  type LabeledDataset,
  masksFromNeuronSets,
  type NeuronModel,
  type Slice,
  weightOwnership,
} from '@neusemslice/core';
import type { CommandContext } from '../command';
import { percent } from './common';

export interface SliceReport {
  compressionRate: number;
  masked: AccuracyReport;
}

/** Prints a slice's size per layer, its compression rate and the masked model's accuracy. */
export async function reportSlice(
  model: NeuronModel,
  slice: Slice,
  testData: LabeledDataset,
  context: CommandContext,
  batchSize: number,
): Promise<SliceReport> {
  const masks = masksFromNeuronSets(model, slice.critical);
  context.print(
    `slice (${slice.metric} + ${slice.slicer} ${JSON.stringify(pickScalars(slice.options))}):`,
  );
  for (const layer of model.neuronLayers) {
    const kept = slice.critical[layer.name].length;
    context.print(
      `  ${layer.name.padEnd(16)} ${String(kept).padStart(6)} / ${String(layer.units).padEnd(6)} neurons critical (${percent(kept / layer.units)})`,
    );
  }
  const { compressionRate, removed, total } = countKeptParameters(weightOwnership(model), masks);
  context.print(
    `  compression rate ${percent(compressionRate)} (${removed} of ${total} parameters belong to removed neurons)`,
  );
  const masked = await evaluateAccuracy(model, testData, { masks, batchSize });
  context.print(`  masked test accuracy ${percent(masked.accuracy)} on ${masked.samples} samples`);
  return { compressionRate, masked };
}

/** The slice options worth a one-line summary (numbers, strings, booleans). */
function pickScalars(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) =>
      ['number', 'string', 'boolean'].includes(typeof value),
    ),
  );
}
