import * as fs from 'node:fs';
import { UsageError } from '../errors';
import { writeFileAtomic } from '../io/atomic-write';
import { decodeNeuronSet, encodeNeuronSet } from './neuron-set-codec';
import type { NeuronSets, Slice } from './slice';

const FORMAT = 'neusemslice-slice';
const FORMAT_VERSION = 1;

interface SliceFileJson {
  format: typeof FORMAT;
  version: number;
  model: Slice['model'];
  metric: string;
  slicer: string;
  options: Record<string, unknown>;
  createdAt: string;
  /** Layer name → base64 bitset. */
  critical: Record<string, string>;
  perCategory?: Record<string, Record<string, string>>;
}

function encodeSets(sets: NeuronSets, units: Map<string, number>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(sets).map(([name, indices]) => [
      name,
      encodeNeuronSet(indices, units.get(name) ?? 0),
    ]),
  );
}

/** The JSON text of a slice (bitset-encoded, a few KB for an MLP). */
export function sliceToJson(slice: Slice): string {
  const units = new Map(slice.model.neuronLayers.map((layer) => [layer.name, layer.units]));
  const json: SliceFileJson = {
    format: FORMAT,
    version: FORMAT_VERSION,
    model: slice.model,
    metric: slice.metric,
    slicer: slice.slicer,
    options: slice.options,
    createdAt: slice.createdAt,
    critical: encodeSets(slice.critical, units),
    perCategory: slice.perCategory
      ? Object.fromEntries(
          Object.entries(slice.perCategory).map(([category, sets]) => [
            category,
            encodeSets(sets, units),
          ]),
        )
      : undefined,
  };
  return JSON.stringify(json);
}

/** Parses a slice's JSON text; `source` names the file in errors. */
export function sliceFromJson(text: string, source: string): Slice {
  let json: SliceFileJson;
  try {
    json = JSON.parse(text) as SliceFileJson;
  } catch (error) {
    throw new UsageError(`${source}: not a slice file (invalid JSON: ${(error as Error).message})`);
  }
  if (json?.format !== FORMAT)
    throw new UsageError(
      `${source}: not a slice file (format is ${String(json?.format)}, expected ${FORMAT})`,
    );
  if (json.version !== FORMAT_VERSION) {
    throw new UsageError(
      `${source}: slice format version ${json.version} is not supported (expected ${FORMAT_VERSION})`,
    );
  }
  if (!json.model || !Array.isArray(json.model.neuronLayers) || typeof json.critical !== 'object') {
    throw new UsageError(`${source}: slice file lacks its model identity or critical sets`);
  }
  const units = new Map(json.model.neuronLayers.map((layer) => [layer.name, layer.units]));
  const decodeSets = (sets: Record<string, string>, where: string): NeuronSets =>
    Object.fromEntries(
      Object.entries(sets).map(([name, encoded]) => {
        const layerUnits = units.get(name);
        if (layerUnits === undefined)
          throw new UsageError(
            `${source}: ${where} names layer '${name}' that the slice's model lacks`,
          );
        return [name, decodeNeuronSet(encoded, layerUnits, `${source} ${where} layer '${name}'`)];
      }),
    );
  return {
    model: json.model,
    metric: json.metric,
    slicer: json.slicer,
    options: json.options ?? {},
    createdAt: json.createdAt,
    critical: decodeSets(json.critical, 'critical'),
    perCategory: json.perCategory
      ? Object.fromEntries(
          Object.entries(json.perCategory).map(([category, sets]) => [
            Number(category),
            decodeSets(sets, `category ${category}`),
          ]),
        )
      : undefined,
  };
}

/** Saves a slice atomically. */
export function saveSlice(filePath: string, slice: Slice): void {
  writeFileAtomic(filePath, sliceToJson(slice));
}

/** Loads a slice file; errors name the file. */
export function loadSlice(filePath: string): Slice {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read slice file ${filePath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return sliceFromJson(text, filePath);
}
