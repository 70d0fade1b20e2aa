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
  checkSliceFileShape(json, source);
  const units = new Map(json.model.neuronLayers.map((layer) => [layer.name, layer.units]));
  const decodeSets = (sets: Record<string, string>, where: string): NeuronSets => {
    for (const layer of json.model.neuronLayers) {
      if (!(layer.name in sets)) {
        throw new UsageError(`${source}: ${where} has no set for neuron layer '${layer.name}'`);
      }
    }
    return Object.fromEntries(
      Object.entries(sets).map(([name, encoded]) => {
        const layerUnits = units.get(name);
        if (layerUnits === undefined)
          throw new UsageError(
            `${source}: ${where} names layer '${name}' that the slice's model lacks`,
          );
        if (typeof encoded !== 'string')
          throw new UsageError(
            `${source}: ${where} layer '${name}' must be a base64 string, got ${JSON.stringify(encoded)}`,
          );
        return [name, decodeNeuronSet(encoded, layerUnits, `${source} ${where} layer '${name}'`)];
      }),
    );
  };
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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the types of a parsed slice file, so a hand-edited file gives a UsageError naming the
 * field (`"critical": null` is not a TypeError).
 */
function checkSliceFileShape(json: SliceFileJson, source: string): void {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new UsageError(
      `${source}: field ${field} must be ${expected}, got ${JSON.stringify(value) ?? 'nothing'}`,
    );
  };
  if (!isObject(json.model)) fail('model', 'an object', json.model);
  const model = json.model as unknown as Record<string, unknown>;
  for (const field of ['modelName', 'topologySha256', 'weightsSha256']) {
    if (typeof model[field] !== 'string') fail(`model.${field}`, 'a string', model[field]);
  }
  if (!Array.isArray(model.neuronLayers)) fail('model.neuronLayers', 'a list', model.neuronLayers);
  const names = new Set<string>();
  (model.neuronLayers as unknown[]).forEach((layer, index) => {
    const entry = layer as Record<string, unknown> | null;
    if (!isObject(entry) || typeof entry.name !== 'string')
      fail(`model.neuronLayers[${index}]`, 'an object with a name', layer);
    const { name, units } = entry as { name: string; units: unknown };
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1)
      fail(`model.neuronLayers[${index}].units`, 'a positive integer', units);
    if (names.has(name)) fail(`model.neuronLayers[${index}].name`, 'unique', name);
    names.add(name);
  });
  for (const field of ['metric', 'slicer']) {
    const value = (json as unknown as Record<string, unknown>)[field];
    if (typeof value !== 'string') fail(field, 'a string', value);
  }
  if (json.options !== undefined && !isObject(json.options))
    fail('options', 'an object', json.options);
  if (!isObject(json.critical))
    fail('critical', 'an object of layer name → neuron set', json.critical);
  if (json.perCategory !== undefined && json.perCategory !== null) {
    if (!isObject(json.perCategory)) fail('perCategory', 'an object', json.perCategory);
    for (const [category, sets] of Object.entries(json.perCategory)) {
      if (!/^\d+$/.test(category)) fail(`perCategory key`, 'a class number', category);
      if (!isObject(sets)) fail(`perCategory.${category}`, 'an object', sets);
    }
  }
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
