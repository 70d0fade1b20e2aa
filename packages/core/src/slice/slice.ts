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
  assertSliceFitsLayers(slice, model);
  if (!options.allowWeightChange && slice.model.weightsSha256 !== fingerprint.weightsSha256) {
    throw new UsageError(
      `slice was made for other weights of model '${slice.model.modelName}' ` +
        `(weights ${slice.model.weightsSha256.slice(0, 12)}…, this model ${fingerprint.weightsSha256.slice(0, 12)}…)`,
    );
  }
}

/** Throws a UsageError unless `indices` is a sorted list of distinct integers in 0 … units − 1. */
export function checkNeuronIndices(indices: unknown, units: number, where: string): number[] {
  if (!Array.isArray(indices)) {
    throw new UsageError(
      `${where}: expected a list of neuron indices, got ${JSON.stringify(indices)}`,
    );
  }
  let previous = -1;
  for (const index of indices as unknown[]) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= units) {
      throw new UsageError(`${where}: neuron index ${String(index)} out of range 0 … ${units - 1}`);
    }
    if (index <= previous) {
      throw new UsageError(
        `${where}: neuron indices must be sorted and distinct, got ${index} after ${previous}`,
      );
    }
    previous = index;
  }
  return indices as number[];
}

/**
 * Throws a UsageError unless the slice covers this model's neuron layers exactly: every layer
 * present with the model's unit count, and every critical set a sorted, distinct list of
 * indices in range. (A missing layer would silence it whole; an index past the layer's units
 * would be dropped without a word.)
 */
export function assertSliceFitsLayers(slice: Slice, model: NeuronModel): void {
  const identityLayers = new Map(
    (slice.model?.neuronLayers ?? []).map((layer) => [layer.name, layer.units]),
  );
  if (typeof slice.critical !== 'object' || slice.critical === null) {
    throw new UsageError(
      `slice has no critical neuron sets (critical is ${String(slice.critical)})`,
    );
  }
  for (const layer of model.neuronLayers) {
    const recordedUnits = identityLayers.get(layer.name);
    if (recordedUnits === undefined) {
      throw new UsageError(`slice does not describe neuron layer '${layer.name}' of the model`);
    }
    if (recordedUnits !== layer.units) {
      throw new UsageError(
        `slice says layer '${layer.name}' has ${String(recordedUnits)} neurons, the model has ${layer.units}`,
      );
    }
    if (!(layer.name in slice.critical)) {
      throw new UsageError(`slice has no critical set for neuron layer '${layer.name}'`);
    }
    checkNeuronIndices(slice.critical[layer.name], layer.units, `slice layer '${layer.name}'`);
  }
  const modelLayers = new Set(model.neuronLayers.map((layer) => layer.name));
  for (const name of [...identityLayers.keys(), ...Object.keys(slice.critical)]) {
    if (!modelLayers.has(name)) {
      throw new UsageError(`slice names layer '${name}', which is not a neuron layer of the model`);
    }
  }
}

/** Masks that keep Ω of every layer (1) and silence the rest (0); every index is checked. */
export function masksFromNeuronSets(model: NeuronModel, sets: NeuronSets): NeuronMasks {
  const masks: NeuronMasks = {};
  for (const layer of model.neuronLayers) {
    const mask = new Float32Array(layer.units);
    for (const index of sets[layer.name] ?? []) {
      if (!Number.isInteger(index) || index < 0 || index >= layer.units) {
        throw new UsageError(
          `layer '${layer.name}': neuron index ${index} out of range 0 … ${layer.units - 1}`,
        );
      }
      mask[index] = 1;
    }
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
