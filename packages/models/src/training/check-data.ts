import type * as tf from '@tensorflow/tfjs';
import { UsageError, type LabeledDataset } from '@neusemslice/core';

/** Throws a UsageError unless the data set's sample shape and class count fit the model. */
export function checkDataFitsModel(
  model: tf.LayersModel,
  data: LabeledDataset,
  role: string,
): void {
  const modelInputShape = model.inputs[0].shape.slice(1);
  const outputShape = model.outputs[0].shape;
  const modelClasses = outputShape[outputShape.length - 1];
  const sameShape =
    modelInputShape.length === data.inputShape.length &&
    modelInputShape.every((size, axis) => size === null || size === data.inputShape[axis]);
  if (!sameShape || modelClasses !== data.numClasses) {
    throw new UsageError(
      `${role} data set '${data.name}' (samples [${data.inputShape.join(', ')}], ${data.numClasses} classes) does not fit model '${model.name}' (input [${modelInputShape.join(', ')}], ${String(modelClasses)} outputs)`,
    );
  }
}

/** Throws a UsageError when a batch holds a label outside 0 … numClasses-1. */
export function checkBatchLabels(labels: Int32Array, numClasses: number, dataName: string): void {
  const bad = labels.find((label) => !(label >= 0 && label < numClasses));
  if (bad !== undefined) {
    throw new UsageError(
      `data set '${dataName}' has the label ${bad}; labels must be in 0 … ${numClasses - 1}`,
    );
  }
}
