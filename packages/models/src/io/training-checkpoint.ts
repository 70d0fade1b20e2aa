import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, replaceDirectoryAtomic, writeFileAtomic } from '@neusemslice/core';
import type { SavedTensor, TrainingCheckpoint } from '../training/train-model';

const CHECKPOINT_JSON = 'checkpoint.json';
const CHECKPOINT_VALUES = 'tensors.bin';
const FORMAT = 'neusemslice-training-checkpoint';

/** What a checkpoint file records beside the tensors: the run it belongs to. */
interface CheckpointJson {
  format: typeof FORMAT;
  /** The settings of the run (model, data, seed, …): a resume must use the same. */
  run: Record<string, unknown>;
  epochsDone: number;
  optimizer: TrainingCheckpoint['optimizer'];
  adamBetaPowers?: [number, number];
  history: TrainingCheckpoint['history'];
  modelWeights: Omit<SavedTensor, 'values'>[];
  optimizerWeights: Omit<SavedTensor, 'values'>[];
}

/**
 * Saves a training checkpoint into `directory` (checkpoint.json + tensors.bin), replacing the
 * directory as a whole, so a crash while saving leaves the previous checkpoint complete.
 * `run` records the settings the run must be resumed with.
 */
export async function saveTrainingCheckpoint(
  directory: string,
  checkpoint: TrainingCheckpoint,
  run: Record<string, unknown>,
): Promise<void> {
  const tensors = [...checkpoint.modelWeights, ...checkpoint.optimizerWeights];
  const strip = ({ name, shape, dtype }: SavedTensor) => ({ name, shape, dtype });
  const json: CheckpointJson = {
    format: FORMAT,
    run,
    epochsDone: checkpoint.epochsDone,
    optimizer: checkpoint.optimizer,
    adamBetaPowers: checkpoint.adamBetaPowers,
    history: checkpoint.history,
    modelWeights: checkpoint.modelWeights.map(strip),
    optimizerWeights: checkpoint.optimizerWeights.map(strip),
  };
  const bytes = Buffer.concat(
    tensors.map((tensor) =>
      Buffer.from(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength),
    ),
  );
  await replaceDirectoryAtomic(directory, (temporary) => {
    writeFileAtomic(path.join(temporary, CHECKPOINT_VALUES), bytes);
    writeFileAtomic(path.join(temporary, CHECKPOINT_JSON), JSON.stringify(json));
  });
}

/** True when `directory` holds a training checkpoint. */
export function hasTrainingCheckpoint(directory: string): boolean {
  return fs.existsSync(path.join(directory, CHECKPOINT_JSON));
}

/**
 * Loads a checkpoint saved by saveTrainingCheckpoint and the run settings it recorded. A missing,
 * truncated or foreign file gives a UsageError naming it.
 */
export function loadTrainingCheckpoint(directory: string): {
  checkpoint: TrainingCheckpoint;
  run: Record<string, unknown>;
} {
  const jsonFile = path.join(directory, CHECKPOINT_JSON);
  const valuesFile = path.join(directory, CHECKPOINT_VALUES);
  if (!fs.existsSync(jsonFile)) {
    throw new UsageError(`no checkpoint to resume from: ${jsonFile} does not exist`);
  }
  let json: CheckpointJson;
  try {
    json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as CheckpointJson;
  } catch (error) {
    throw new UsageError(`${jsonFile} is not valid JSON (${(error as Error).message})`);
  }
  if (
    json?.format !== FORMAT ||
    !Array.isArray(json.modelWeights) ||
    !Array.isArray(json.optimizerWeights)
  ) {
    throw new UsageError(`${jsonFile} is not a training checkpoint`);
  }
  const bytes = fs.existsSync(valuesFile) ? fs.readFileSync(valuesFile) : Buffer.alloc(0);
  let offset = 0;
  const read = (spec: Omit<SavedTensor, 'values'>): SavedTensor => {
    const count = spec.shape.reduce((product, size) => product * size, 1);
    const end = offset + 4 * count;
    if (end > bytes.length) {
      throw new UsageError(`${valuesFile} is truncated: it lacks the values of ${spec.name}`);
    }
    const slice = bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + end);
    offset = end;
    const values = spec.dtype === 'int32' ? new Int32Array(slice) : new Float32Array(slice);
    return { ...spec, values };
  };
  const modelWeights = json.modelWeights.map(read);
  const optimizerWeights = json.optimizerWeights.map(read);
  if (offset !== bytes.length) {
    throw new UsageError(
      `${valuesFile} holds ${bytes.length} bytes, ${jsonFile} describes ${offset}`,
    );
  }
  return {
    checkpoint: {
      epochsDone: json.epochsDone,
      optimizer: json.optimizer,
      adamBetaPowers: json.adamBetaPowers,
      history: json.history,
      modelWeights,
      optimizerWeights,
    },
    run: json.run ?? {},
  };
}
