import * as tf from '@tensorflow/tfjs';
import type { LabeledDataset } from '../data/labeled-dataset';
import { forEachBatch } from '../data/stream';
import { UsageError } from '../errors';
import type { ProgressListener } from '../progress';
import type { NeuronMasks, NeuronModel } from './neuron-model';

export interface AccuracyReport {
  /** Share of samples classified correctly, 0 … 1. */
  accuracy: number;
  /** Accuracy per class (NaN for classes without samples). */
  perClassAccuracy: number[];
  samples: number;
}

/** Floats of layer outputs one batch may hold at once in `defaultInferenceBatchSize` (64 MB). */
const ACTIVATION_FLOATS_PER_BATCH = 16 * 2 ** 20;
const MIN_INFERENCE_BATCH = 32;
const MAX_INFERENCE_BATCH = 1024;

/**
 * Values one sample occupies across the model's input and every layer output, which a forward
 * pass inside `tf.tidy` keeps alive together until the batch is done.
 */
export function activationFloatsPerSample(model: tf.LayersModel): number {
  const sizeOf = (shape: (number | null)[]) =>
    shape.reduce<number>((product, size) => product * (size ?? 1), 1);
  let floats = model.inputs.reduce((sum, input) => sum + sizeOf(input.shape), 0);
  for (const layer of model.layers) {
    const shapes = layer.outputShape;
    const list = (Array.isArray(shapes[0]) ? shapes : [shapes]) as (number | null)[][];
    for (const shape of list) floats += sizeOf(shape);
  }
  return floats;
}

/**
 * Samples per batch for inference when the caller gives none: as many as keep the batch's layer
 * outputs within 64 MB, between 32 and 1024. Inference is one GEMM (or conv) per layer and batch;
 * bigger batches amortise the per-call and per-layer costs (MLP-MNIST on wasm: 1024 is ~12%
 * faster than 256, LeNet-5 ~20%), while a VGG or ResNet on 32x32 images stays near 64 MB.
 */
export function defaultInferenceBatchSize(model: tf.LayersModel): number {
  const fitting = Math.floor(ACTIVATION_FLOATS_PER_BATCH / activationFloatsPerSample(model));
  return Math.max(MIN_INFERENCE_BATCH, Math.min(MAX_INFERENCE_BATCH, fitting));
}

/**
 * Per masked layer, the constant a masked neuron outputs (mean replacement): (1 − mask) · fill,
 * added to the masked output. Checked against the masks; the caller disposes the tensors.
 */
function maskFillTensors(masks: NeuronMasks, fill: Record<string, ArrayLike<number>>) {
  const tensors = new Map<string, tf.Tensor1D>();
  try {
    for (const [layerName, mask] of Object.entries(masks)) {
      const layerFill = fill[layerName];
      if (!layerFill || layerFill.length !== mask.length) {
        throw new UsageError(
          `evaluateAccuracy: maskFill of layer '${layerName}' has ${layerFill?.length ?? 'no'} values; its mask has ${mask.length}`,
        );
      }
      const values = Float32Array.from(mask, (keep, index) => (1 - keep) * layerFill[index]);
      tensors.set(layerName, tf.tensor1d(values));
    }
  } catch (error) {
    tf.dispose([...tensors.values()]);
    throw error;
  }
  return tensors;
}

/**
 * Accuracy of a model, optionally with neurons masked, streamed over a data set. With `maskFill`
 * (per layer, one value per neuron, e.g. `neuronMeanOutputs`) a masked neuron outputs its fill
 * value instead of 0. `batchSize` changes speed and memory only, never the result; default
 * `defaultInferenceBatchSize`.
 */
export async function evaluateAccuracy(
  model: NeuronModel,
  data: LabeledDataset,
  options: {
    masks?: NeuronMasks;
    maskFill?: Record<string, ArrayLike<number>>;
    batchSize?: number;
    onProgress?: ProgressListener;
  } = {},
): Promise<AccuracyReport> {
  const { masks, maskFill } = options;
  if (maskFill && !masks) {
    throw new UsageError(
      'evaluateAccuracy: maskFill needs masks (it is what masked neurons output)',
    );
  }
  const correct = new Array<number>(model.numClasses).fill(0);
  const seen = new Array<number>(model.numClasses).fill(0);
  const fills = masks && maskFill ? maskFillTensors(masks, maskFill) : undefined;
  const onNeuronOutput = fills
    ? (layer: { name: string }, output: tf.Tensor) => {
        const fill = fills.get(layer.name);
        return fill ? tf.add(output, fill) : output;
      }
    : undefined;
  try {
    await forEachBatch(
      data,
      options.batchSize ?? defaultInferenceBatchSize(model.model),
      (batch) => {
        const predicted = tf.tidy(() =>
          tf.argMax(model.run(batch.x, { masks, onNeuronOutput }), 1),
        );
        const predictedValues = predicted.dataSync();
        predicted.dispose();
        batch.labels.forEach((label, index) => {
          seen[label]++;
          if (predictedValues[index] === label) correct[label]++;
        });
      },
      { task: 'evaluate', onProgress: options.onProgress },
    );
  } finally {
    if (fills) tf.dispose([...fills.values()]);
  }
  const samples = seen.reduce((sum, count) => sum + count, 0);
  const totalCorrect = correct.reduce((sum, count) => sum + count, 0);
  return {
    accuracy: samples > 0 ? totalCorrect / samples : NaN,
    perClassAccuracy: correct.map((count, label) => (seen[label] > 0 ? count / seen[label] : NaN)),
    samples,
  };
}
