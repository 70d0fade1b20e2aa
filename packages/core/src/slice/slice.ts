import { UsageError } from '../errors';
import type { ModelFingerprint } from '../model/fingerprint';
import type { NeuronMasks, NeuronModel } from '../model/neuron-model';

/** Critical neuron indices (sorted, distinct) per neuron layer. */
export type NeuronSets = Record<string, number[]>;

/** The model a slice was made for. */
export interface SliceModelIdentity extends ModelFingerprint {
  modelName: string;
  neuronLayers: { name: string; units: number }[];
}

/**
 * A slice Ω (SPEC §1): the critical neurons of every neuron layer, the per-category sets they
 * were merged from, and what made them.
 */
export interface Slice {
  model: SliceModelIdentity;
  metric: string;
  slicer: string;
  /** The slicer options that made it, e.g. { theta: 0.95 }. */
  options: Record<string, unknown>;
  /** Ω^l for every neuron layer l. */
  critical: NeuronSets;
  /** Ω^{l,c} per category c (absent for slicers that do not work per category). */
  perCategory?: Record<number, NeuronSets>;
  createdAt: string;
}

function sortedDistinct(indices: Iterable<number>, units: number, where: string): number[] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  for (const index of sorted) {
    if (!Number.isInteger(index) || index < 0 || index >= units) {
      throw new UsageError(`${where}: neuron index ${index} out of range 0 … ${units - 1}`);
    }
  }
  return sorted;
}

/** Builds a slice for a model, checking every index. Missing layers get an empty set. */
export function createSlice(args: {
  model: NeuronModel;
  metric: string;
  slicer: string;
  options: Record<string, unknown>;
  critical: Record<string, Iterable<number>>;
  perCategory?: Record<number, Record<string, Iterable<number>>>;
}): Slice {
  const { model } = args;
  for (const layerName of Object.keys(args.critical)) model.layer(layerName);
  const normalise = (sets: Record<string, Iterable<number>>, where: string): NeuronSets =>
    Object.fromEntries(
      model.neuronLayers.map((layer) => [
        layer.name,
        sortedDistinct(sets[layer.name] ?? [], layer.units, `${where} layer '${layer.name}'`),
      ]),
    );
  const perCategory = args.perCategory
    ? Object.fromEntries(
        Object.entries(args.perCategory).map(([category, sets]) => [
          Number(category),
          normalise(sets, `category ${category}`),
        ]),
      )
    : undefined;
  return {
    model: {
      modelName: model.model.name,
      ...model.fingerprint(),
      neuronLayers: model.neuronLayers.map((layer) => ({ name: layer.name, units: layer.units })),
    },
    metric: args.metric,
    slicer: args.slicer,
    options: { ...args.options },
    critical: normalise(args.critical, 'slice'),
    perCategory,
    createdAt: new Date().toISOString(),
  };
}

/** The union over categories of per-category sets (SPEC §3: Ω^l = ∪_c Ω^{l,c}). */
export function unionOfCategories(
  perCategory: Record<number, Record<string, Iterable<number>>>,
): Record<string, number[]> {
  const union = new Map<string, Set<number>>();
  for (const sets of Object.values(perCategory)) {
    for (const [layerName, indices] of Object.entries(sets)) {
      const merged = union.get(layerName) ?? new Set<number>();
      for (const index of indices) merged.add(index);
      union.set(layerName, merged);
    }
  }
  return Object.fromEntries(
    [...union].map(([layerName, merged]) => [layerName, [...merged].sort((a, b) => a - b)]),
  );
}

/**
 * Throws a UsageError unless the slice was made for this very model (same topology and weights).
 * Pass `allowWeightChange` where a slice is meant to outlive training (e.g. after fine-tuning).
 */
export function assertSliceMatchesModel(
  slice: Slice,
  model: NeuronModel,
  options: { allowWeightChange?: boolean } = {},
): void {
  const fingerprint = model.fingerprint();
  if (slice.model.topologySha256 !== fingerprint.topologySha256) {
    throw new UsageError(
      `slice was made for model '${slice.model.modelName}' with another architecture ` +
        `(topology ${slice.model.topologySha256.slice(0, 12)}…, this model ${fingerprint.topologySha256.slice(0, 12)}…)`,
    );
  }
  if (!options.allowWeightChange && slice.model.weightsSha256 !== fingerprint.weightsSha256) {
    throw new UsageError(
      `slice was made for other weights of model '${slice.model.modelName}' ` +
        `(weights ${slice.model.weightsSha256.slice(0, 12)}…, this model ${fingerprint.weightsSha256.slice(0, 12)}…)`,
    );
  }
}

/** Masks that keep Ω of every layer (1) and silence the rest (0). */
export function masksFromNeuronSets(model: NeuronModel, sets: NeuronSets): NeuronMasks {
  const masks: NeuronMasks = {};
  for (const layer of model.neuronLayers) {
    const mask = new Float32Array(layer.units);
    for (const index of sets[layer.name] ?? []) mask[index] = 1;
    masks[layer.name] = mask;
  }
  return masks;
}

/** Number of critical neurons per layer and in all. */
export function sliceSize(slice: Slice): {
  perLayer: Record<string, number>;
  critical: number;
  total: number;
} {
  const perLayer: Record<string, number> = {};
  let critical = 0;
  let total = 0;
  for (const layer of slice.model.neuronLayers) {
    perLayer[layer.name] = slice.critical[layer.name]?.length ?? 0;
    critical += perLayer[layer.name];
    total += layer.units;
  }
  return { perLayer, critical, total };
}
