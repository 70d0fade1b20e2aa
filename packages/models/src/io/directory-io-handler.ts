import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UsageError, writeFileAtomic } from '@neusemslice/core';

/** The tfjs layers-model files of a saved model directory. */
export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** What this package adds to model.json (tfjs ignores unknown keys). */
interface WeightsCheck {
  /** SHA-256 of weights.bin, hex: detects a corrupt file of the right size. */
  weightsSha256: string;
}

type ModelJsonWithCheck = tf.io.ModelJSON & { neusemslice?: WeightsCheck };

/**
 * A tfjs IOHandler that saves a LayersModel as `model.json` + `weights.bin` in a directory (the
 * format of tfjs's `file://` handler, which only tfjs-node has) and loads it back. Each file is
 * written atomically; loading checks every file and reports the one at fault as a UsageError.
 */
export function directoryIOHandler(directory: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => saveArtifacts(directory, artifacts),
    load: async () => loadArtifacts(directory),
  };
}

function saveArtifacts(directory: string, artifacts: tf.io.ModelArtifacts): tf.io.SaveResult {
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('directoryIOHandler saves JSON model topologies only');
  }
  const weights = new Uint8Array(
    artifacts.weightData
      ? tf.io.CompositeArrayBuffer.join(artifacts.weightData)
      : new ArrayBuffer(0),
  );
  const modelJson: ModelJsonWithCheck = {
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata
      ? { userDefinedMetadata: artifacts.userDefinedMetadata }
      : {}),
    neusemslice: { weightsSha256: sha256(weights) },
  };
  // Weights first: a model.json on disk always describes complete weights.
  writeFileAtomic(path.join(directory, WEIGHTS_FILE), weights);
  const modelJsonText = JSON.stringify(modelJson);
  writeFileAtomic(path.join(directory, MODEL_JSON_FILE), modelJsonText);
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: Buffer.byteLength(JSON.stringify(artifacts.modelTopology)),
      weightSpecsBytes: Buffer.byteLength(JSON.stringify(artifacts.weightSpecs ?? [])),
      weightDataBytes: weights.byteLength,
    },
  };
}

async function loadArtifacts(directory: string): Promise<tf.io.ModelArtifacts> {
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    throw new UsageError(`model directory '${directory}' does not exist`);
  }
  const modelJson = readModelJson(directory);
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const files = manifest.flatMap((group) => group.paths);
    const weights = Buffer.concat(files.map((file) => readWeightsFile(directory, file)));
    const lastFile = path.join(directory, files[files.length - 1] ?? WEIGHTS_FILE);
    const expectedBytes = weightBytes(specs);
    if (expectedBytes !== undefined && weights.byteLength !== expectedBytes) {
      throw new UsageError(
        `${lastFile} is corrupt: the weights hold ${weights.byteLength} bytes, but ${MODEL_JSON_FILE} describes ${expectedBytes}`,
      );
    }
    const expectedSha256 = modelJson.neusemslice?.weightsSha256;
    if (expectedSha256 !== undefined && sha256(weights) !== expectedSha256) {
      throw new UsageError(
        `${lastFile} is corrupt: its SHA-256 does not match the one recorded in ${MODEL_JSON_FILE}`,
      );
    }
    assertFiniteWeights(specs, weights, lastFile);
    const buffer = weights.buffer.slice(
      weights.byteOffset,
      weights.byteOffset + weights.byteLength,
    );
    return [specs, buffer as ArrayBuffer];
  });
}

function readModelJson(directory: string): ModelJsonWithCheck {
  const file = path.join(directory, MODEL_JSON_FILE);
  if (!fs.existsSync(file)) {
    throw new UsageError(`${file} is missing: '${directory}' is not a saved model directory`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const json = parsed as Partial<ModelJsonWithCheck> | null;
  if (
    typeof json !== 'object' ||
    json === null ||
    typeof json.modelTopology !== 'object' ||
    json.modelTopology === null ||
    (json.weightsManifest !== undefined && !Array.isArray(json.weightsManifest))
  ) {
    throw new UsageError(
      `${file} is not a tfjs layers model (expected an object with modelTopology and weightsManifest)`,
    );
  }
  return json as ModelJsonWithCheck;
}

function readWeightsFile(directory: string, file: string): Buffer {
  // Weight paths come from a file: never let one reach outside the model directory.
  if (typeof file !== 'string' || file !== path.basename(file)) {
    throw new UsageError(
      `${path.join(directory, MODEL_JSON_FILE)} names the weights file '${String(file)}'; expected a file name inside the directory`,
    );
  }
  const weightsPath = path.join(directory, file);
  if (!fs.existsSync(weightsPath)) {
    throw new UsageError(`${weightsPath} is missing (${MODEL_JSON_FILE} refers to it)`);
  }
  return fs.readFileSync(weightsPath);
}

/**
 * Throws a UsageError naming the layer when a float32 weight is NaN or infinite: such a model
 * loads and runs, but every accuracy and slice made from it is silently wrong.
 */
function assertFiniteWeights(
  specs: tf.io.WeightsManifestEntry[],
  weights: Buffer,
  file: string,
): void {
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((product, size) => product * size, 1);
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const valueBytes = BYTES_PER_VALUE[dtype] ?? 0;
    if (dtype === 'float32' && !spec.quantization) {
      const values = new Float32Array(
        weights.buffer.slice(weights.byteOffset + offset, weights.byteOffset + offset + 4 * count),
      );
      const badAt = values.findIndex((value) => !Number.isFinite(value));
      if (badAt >= 0) {
        const layer = spec.name.includes('/')
          ? spec.name.slice(0, spec.name.lastIndexOf('/'))
          : spec.name;
        throw new UsageError(
          `${file}: weight ${spec.name} of layer '${layer}' holds ${values[badAt]} at index ${badAt}; a model with NaN or infinite weights gives meaningless results`,
        );
      }
    }
    offset += count * valueBytes;
  }
}

const BYTES_PER_VALUE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes the weight specs describe; undefined when one has a size that cannot be known (strings). */
function weightBytes(specs: tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const valueBytes = BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype];
    if (valueBytes === undefined) return undefined;
    total += spec.shape.reduce((product, size) => product * size, 1) * valueBytes;
  }
  return total;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
