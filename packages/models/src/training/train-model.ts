import * as tf from '@tensorflow/tfjs';
import {
  UsageError,
  checkInteger,
  checkNumberInRange,
  crossEntropyFromLogits,
  type LabeledBatch,
  type LabeledDataset,
  type ProgressListener,
} from '@neusemslice/core';
import { checkBatchLabels, checkDataFitsModel } from './check-data';
import { evaluateModel } from './evaluate-model';
import { epochOrder } from './shuffle';

/** Adam, plain SGD, and SGD with momentum 0.9 (`momentum`). */
export const OPTIMIZER_NAMES = ['adam', 'sgd', 'momentum'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface TrainOptions {
  /** Passes over the training data (integer ≥ 1). */
  epochs: number;
  /** Samples per gradient step (integer ≥ 1). */
  batchSize: number;
  learningRate: number;
  /** Default 'adam'. */
  optimizer?: OptimizerName;
  /** Seeds the per-epoch shuffling (integer ≥ 0). */
  seed: number;
  /** Shuffle the samples each epoch; default true. */
  shuffle?: boolean;
  /** Evaluated after every epoch (inference mode). */
  validation?: LabeledDataset;
  onProgress?: ProgressListener;
  /** Report progress every this many batches (and at each epoch's end); default 20. */
  progressEveryBatches?: number;
  /** Called after each epoch with its figures. */
  onEpochEnd?: (record: EpochRecord) => void;
  /**
   * A multiplier for each weight's gradient, asked for once per step by the weight's stable name
   * (`<layer>/<weight>`, e.g. `fc1/kernel`, `bn1/gamma`: the LayerVariable's `originalName`) and
   * its variable; undefined leaves the gradient as is. Cache the masks: this runs every step.
   * The tensor stays the caller's (not disposed here) and must broadcast to the weight's shape.
   * With 0/1 masks, entries masked from the first step never change (Adam and SGD alike).
   */
  gradientMask?: (weightName: string, variable: tf.Variable) => tf.Tensor | undefined;
  /** Only these variables are updated (e.g. `layer.weights[0].read()`); default all trainable weights. */
  trainableVariables?: tf.Variable[];
  /**
   * Run the layers in inference mode while training: batch-norm normalises with its moving
   * statistics and leaves them unchanged. For maintenance tasks that must keep every value they
   * do not train bit-identical. Default false.
   */
  freezeBatchNorm?: boolean;
  /**
   * An extra term of the loss, for strategies that train on more than CE(x, y): adversarial
   * training adds CE(adv(x), y), EWC its quadratic penalty. The reported loss includes it.
   */
  extraLoss?: ExtraLoss;
  /**
   * Called after each epoch (after `onEpochEnd`) with everything needed to continue the run
   * later: weights, optimizer state, the epoch reached and the history. Awaited before the next
   * epoch starts, so a checkpoint on disk is always of a finished epoch.
   */
  onCheckpoint?: (checkpoint: TrainingCheckpoint) => Promise<void> | void;
  /**
   * Continue a run from a checkpoint of it: weights and optimizer state are restored and the
   * epochs it finished are skipped. The per-epoch shuffling depends only on seed and epoch, so
   * the result is bit-identical to an uninterrupted run with the same options.
   */
  resumeFrom?: TrainingCheckpoint;
}

/** A tensor's values with its name and shape, as checkpoints hold them. */
export interface SavedTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

/** The state of a training run after a finished epoch (see `onCheckpoint`, `resumeFrom`). */
export interface TrainingCheckpoint {
  /** Epochs finished; a resumed run starts at epochsDone + 1. */
  epochsDone: number;
  optimizer: OptimizerName;
  /** Every weight of the model (trainable or not, e.g. batch-norm statistics), in model order. */
  modelWeights: SavedTensor[];
  /** The optimizer's own weights (`optimizer.getWeights()`: step count, then moments). */
  optimizerWeights: SavedTensor[];
  /**
   * Adam's running powers of beta1 and beta2 as the run had them: `setWeights` would recompute
   * them with `pow`, which can differ in the last bit from the product the run accumulated.
   */
  adamBetaPowers?: [number, number];
  history: EpochRecord[];
}

/** What `ExtraLoss.loss` sees inside the gradient tape of one step. */
export interface ExtraLossContext {
  batch: LabeledBatch;
  model: tf.LayersModel;
  /** One-hot labels of the batch, [B, classes]. */
  oneHot: tf.Tensor;
  /** The model's logits on the clean batch (already part of the loss). */
  logits: tf.Tensor;
  /** What `prepare` returned for this batch. */
  prepared: tf.Tensor[];
  /** Whether layers run in training mode (false with `freezeBatchNorm`). */
  training: boolean;
}

/** An extra loss term added to every training step's mean cross-entropy. */
export interface ExtraLoss {
  /**
   * Called before each step, outside the gradient tape, with the weights as they are now: make
   * inputs that depend on them (e.g. adversarial examples of the batch). The returned tensors
   * are disposed after the step.
   */
  prepare?(batch: LabeledBatch, model: tf.LayersModel): tf.Tensor[];
  /** The term itself, a scalar, computed inside the tape so its gradient is taken. */
  loss(context: ExtraLossContext): tf.Scalar;
}

export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's samples (softmax cross-entropy). */
  loss: number;
  /** Training accuracy over the epoch, measured on the fly while the weights change. */
  accuracy: number;
  seconds: number;
  samplesPerSecond: number;
  validationLoss?: number;
  validationAccuracy?: number;
}

export interface TrainingHistory {
  epochs: EpochRecord[];
  /** Wall-clock seconds of the whole run, validation included. */
  seconds: number;
}

/** A gradient with the engine name of its variable, as `optimizer.applyGradients` takes it. */
interface NamedGradient {
  name: string;
  tensor: tf.Tensor;
}

interface StepContext {
  model: tf.LayersModel;
  numClasses: number;
  variables: tf.Variable[];
  /** Stable weight name of each variable, by the variable's (engine-unique) name. */
  weightNames: Map<string, string>;
  optimizer: tf.Optimizer;
  gradientMask?: TrainOptions['gradientMask'];
  layersTraining: boolean;
  extraLoss?: ExtraLoss;
}

/**
 * Trains a classifier on softmax cross-entropy of its logits (mean over the batch) with a custom
 * loop: seeded shuffling, one `optimizer.applyGradients` of `tf.variableGrads` per batch,
 * optional gradient masks and variable subsets, progress events and a per-epoch history. The
 * loss uses one-hot labels, not `tf.gather` (whose gradient fails on the wasm backend).
 */
export async function trainModel(
  model: tf.LayersModel,
  data: LabeledDataset,
  options: TrainOptions,
): Promise<TrainingHistory> {
  const settings = checkTrainOptions(options);
  checkDataFitsModel(model, data, 'training');
  if (data.size === 0) throw new UsageError(`training data set '${data.name}' is empty`);
  if (options.validation) checkDataFitsModel(model, options.validation, 'validation');
  const variables = trainedVariables(model, options.trainableVariables);
  const optimizer = createOptimizer(settings.optimizer, settings.learningRate);
  const context: StepContext = {
    model,
    numClasses: data.numClasses,
    variables,
    weightNames: stableWeightNames(model),
    optimizer,
    gradientMask: options.gradientMask,
    layersTraining: !options.freezeBatchNorm,
    extraLoss: options.extraLoss,
  };
  const startedAt = Date.now();
  const totalSamples = settings.epochs * data.size;
  let trainingSeconds = 0;
  let samplesSeen = 0;
  const history: TrainingHistory = { epochs: [], seconds: 0 };
  let firstEpoch = 1;
  try {
    if (options.resumeFrom) {
      await restoreCheckpoint(model, optimizer, options.resumeFrom, settings);
      firstEpoch = options.resumeFrom.epochsDone + 1;
      history.epochs.push(...options.resumeFrom.history);
      samplesSeen = options.resumeFrom.epochsDone * data.size;
    }
    for (let epoch = firstEpoch; epoch <= settings.epochs; epoch++) {
      const epochStartedAt = Date.now();
      const order = settings.shuffle ? epochOrder(data.size, settings.seed, epoch) : undefined;
      let lossSum = 0;
      let correct = 0;
      let epochSamples = 0;
      let batchIndex = 0;
      for (const batch of data.batches(settings.batchSize, { indices: order })) {
        let step: { lossSum: number; correct: number };
        try {
          checkBatchLabels(batch.labels, data.numClasses, data.name);
          step = await trainStep(batch, context);
        } finally {
          batch.x.dispose();
        }
        lossSum += step.lossSum;
        correct += step.correct;
        epochSamples += batch.labels.length;
        samplesSeen += batch.labels.length;
        batchIndex++;
        if (options.onProgress && batchIndex % settings.progressEveryBatches === 0) {
          const seconds = trainingSeconds + (Date.now() - epochStartedAt) / 1000;
          options.onProgress(
            trainProgress(samplesSeen, totalSamples, seconds, {
              epoch,
              loss: lossSum / epochSamples,
              accuracy: correct / epochSamples,
            }),
          );
        }
      }
      const epochSeconds = (Date.now() - epochStartedAt) / 1000;
      trainingSeconds += epochSeconds;
      const record: EpochRecord = {
        epoch,
        loss: lossSum / epochSamples,
        accuracy: correct / epochSamples,
        seconds: epochSeconds,
        samplesPerSecond: epochSeconds > 0 ? epochSamples / epochSeconds : Infinity,
      };
      if (options.validation) {
        const validation = await evaluateModel(model, options.validation, {
          batchSize: Math.max(settings.batchSize, 256),
        });
        record.validationLoss = validation.loss;
        record.validationAccuracy = validation.accuracy;
      }
      history.epochs.push(record);
      options.onProgress?.(
        trainProgress(samplesSeen, totalSamples, trainingSeconds, {
          epoch,
          loss: record.loss,
          accuracy: record.accuracy,
          ...(record.validationAccuracy !== undefined
            ? {
                validationLoss: record.validationLoss as number,
                validationAccuracy: record.validationAccuracy,
              }
            : {}),
        }),
      );
      options.onEpochEnd?.(record);
      if (options.onCheckpoint) {
        await options.onCheckpoint(
          await captureCheckpoint(model, optimizer, epoch, settings.optimizer, history.epochs),
        );
      }
    }
  } finally {
    disposeOptimizer(optimizer);
  }
  history.seconds = (Date.now() - startedAt) / 1000;
  return history;
}

/** Adam's running powers of beta1 and beta2 (tfjs keeps them as variables, not in getWeights). */
interface AdamBetaPowers {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

async function savedTensor(name: string, tensor: tf.Tensor): Promise<SavedTensor> {
  const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
  const values = (await tensor.data()) as Float32Array | Int32Array;
  return { name, shape: [...tensor.shape], dtype, values: values.slice() };
}

async function captureCheckpoint(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  epochsDone: number,
  optimizerName: OptimizerName,
  history: EpochRecord[],
): Promise<TrainingCheckpoint> {
  const modelWeights = await Promise.all(
    model.weights.map((weight) => savedTensor(weight.originalName, weight.read())),
  );
  const named = await optimizer.getWeights();
  const optimizerWeights = await Promise.all(
    named.map((entry) => savedTensor(entry.name, entry.tensor)),
  );
  // getWeights makes a new scalar for the step count; the moments are the optimizer's own.
  named[0]?.tensor.dispose();
  const powers = optimizer as unknown as AdamBetaPowers;
  const adamBetaPowers: [number, number] | undefined =
    powers.accBeta1 && powers.accBeta2
      ? [(await powers.accBeta1.data())[0], (await powers.accBeta2.data())[0]]
      : undefined;
  return {
    epochsDone,
    optimizer: optimizerName,
    modelWeights,
    optimizerWeights,
    adamBetaPowers,
    history: history.map((record) => ({ ...record })),
  };
}

async function restoreCheckpoint(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  checkpoint: TrainingCheckpoint,
  settings: { epochs: number; optimizer: OptimizerName },
): Promise<void> {
  if (checkpoint.optimizer !== settings.optimizer) {
    throw new UsageError(
      `resumeFrom was made with optimizer ${checkpoint.optimizer}, this run uses ${settings.optimizer}`,
    );
  }
  const done = checkpoint.epochsDone;
  if (!Number.isInteger(done) || done < 1 || done >= settings.epochs) {
    throw new UsageError(
      `resumeFrom has ${done} epochs done; expected 1 … ${settings.epochs - 1} for a run of ${settings.epochs} epochs`,
    );
  }
  const weights = model.weights;
  const fits =
    checkpoint.modelWeights.length === weights.length &&
    weights.every(
      (weight, index) =>
        weight.originalName === checkpoint.modelWeights[index].name &&
        weight.shape.join('x') === checkpoint.modelWeights[index].shape.join('x'),
    );
  if (!fits) {
    throw new UsageError(
      `resumeFrom holds the weights of another model (${checkpoint.modelWeights.map((weight) => weight.name).join(', ')})`,
    );
  }
  const restored = checkpoint.modelWeights.map((saved) =>
    tf.tensor(saved.values, saved.shape, saved.dtype),
  );
  model.setWeights(restored);
  tf.dispose(restored);
  // The optimizer keeps variables made from these tensors; the tensors themselves can go.
  const optimizerTensors = checkpoint.optimizerWeights.map((saved) => ({
    name: saved.name,
    tensor: tf.tensor(saved.values, saved.shape, saved.dtype),
  }));
  await optimizer.setWeights(optimizerTensors);
  tf.dispose(optimizerTensors.map((entry) => entry.tensor));
  const powers = optimizer as unknown as AdamBetaPowers;
  if (checkpoint.adamBetaPowers && powers.accBeta1 && powers.accBeta2) {
    const [beta1Power, beta2Power] = checkpoint.adamBetaPowers;
    tf.tidy(() => {
      powers.accBeta1?.assign(tf.scalar(beta1Power));
      powers.accBeta2?.assign(tf.scalar(beta2Power));
    });
  }
}

/** The optimizer of that name; momentum is SGD with the usual coefficient 0.9. */
function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  if (name === 'adam') return tf.train.adam(learningRate);
  if (name === 'momentum') return tf.train.momentum(learningRate, 0.9);
  return tf.train.sgd(learningRate);
}

/**
 * Disposes an optimizer and what tfjs 4.22 leaves behind: MomentumOptimizer.dispose does not
 * call SGD's, so the learning-rate scalar `c` it inherits stays alive.
 */
function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const inherited = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (optimizer instanceof tf.MomentumOptimizer && inherited && !inherited.isDisposed) {
    inherited.dispose();
  }
}

/** One gradient step on one batch; returns the batch's summed loss and its correct predictions. */
async function trainStep(
  batch: LabeledBatch,
  context: StepContext,
): Promise<{ lossSum: number; correct: number }> {
  const labels = tf.tensor1d(batch.labels, 'int32');
  const oneHot = tf.tidy(() => tf.oneHot(labels, context.numClasses).toFloat());
  let correctCount: tf.Tensor | undefined;
  const prepared = context.extraLoss?.prepare?.(batch, context.model) ?? [];
  const { value: loss, grads } = tf.variableGrads(() => {
    const logits = context.model.apply(batch.x, { training: context.layersTraining }) as tf.Tensor;
    correctCount = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
    const crossEntropy = crossEntropyFromLogits(logits, oneHot);
    if (!context.extraLoss) return crossEntropy;
    const extra = context.extraLoss.loss({
      batch,
      model: context.model,
      oneHot,
      logits,
      prepared,
      training: context.layersTraining,
    });
    return tf.add(crossEntropy, extra) as tf.Scalar;
  }, context.variables);
  const gradients: NamedGradient[] = [];
  try {
    collectMaskedGradients(grads, context, gradients);
    context.optimizer.applyGradients(gradients);
    const [lossValue, correctValue] = await Promise.all([
      loss.data(),
      (correctCount as tf.Tensor).data(),
    ]);
    return { lossSum: lossValue[0] * batch.labels.length, correct: correctValue[0] };
  } finally {
    tf.dispose([labels, oneHot, loss, correctCount as tf.Tensor, ...Object.values(grads)]);
    tf.dispose(prepared);
    tf.dispose(gradients.map((gradient) => gradient.tensor));
  }
}

/**
 * Appends the gradients to `gradients` in the order of `context.variables` (Adam keeps its
 * moments by position), each multiplied by its mask when the caller gives one. Variables without
 * a gradient are left out. Appending as it goes lets the caller dispose them if a mask is bad.
 */
function collectMaskedGradients(
  grads: tf.NamedTensorMap,
  context: StepContext,
  gradients: NamedGradient[],
): void {
  for (const variable of context.variables) {
    const gradient = grads[variable.name];
    if (!gradient) continue;
    const weightName = context.weightNames.get(variable.name) ?? variable.name;
    const mask = context.gradientMask?.(weightName, variable);
    if (!mask) {
      gradients.push({ name: variable.name, tensor: gradient });
      continue;
    }
    if (!broadcastsTo(mask.shape, gradient.shape)) {
      throw new UsageError(
        `gradientMask for weight '${weightName}' has shape [${mask.shape.join(', ')}], which does not broadcast to the weight's shape [${gradient.shape.join(', ')}]`,
      );
    }
    gradients.push({ name: variable.name, tensor: tf.mul(gradient, mask) });
  }
}

/** True when a tensor of shape `from` multiplies one of shape `to` without changing its shape. */
function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  if (from.length > to.length) return false;
  const offset = to.length - from.length;
  return from.every((size, axis) => size === 1 || size === to[axis + offset]);
}

/** Maps each weight's engine variable name (unique, e.g. `fc1/kernel_3`) to `fc1/kernel`. */
function stableWeightNames(model: tf.LayersModel): Map<string, string> {
  return new Map(
    model.weights.map((weight) => [(weight.read() as tf.Variable).name, weight.originalName]),
  );
}

function trainedVariables(model: tf.LayersModel, given?: tf.Variable[]): tf.Variable[] {
  if (!given) return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  given.forEach((variable, index) => {
    if (!(variable instanceof tf.Variable)) {
      throw new UsageError(
        `trainableVariables[${index}] is not a tf.Variable (for a layer weight pass weight.read())`,
      );
    }
  });
  if (!given.some((variable) => variable.trainable)) {
    throw new UsageError('trainableVariables holds no trainable variable: nothing to train');
  }
  return given;
}

function trainProgress(
  done: number,
  total: number,
  trainingSeconds: number,
  figures: Record<string, number>,
) {
  const samplesPerSecond = trainingSeconds > 0 ? done / trainingSeconds : 0;
  return {
    task: 'train',
    done,
    total,
    figures: { ...figures, samplesPerSecond: Math.round(samplesPerSecond) },
    etaSeconds: samplesPerSecond > 0 ? (total - done) / samplesPerSecond : undefined,
  };
}

function checkTrainOptions(options: TrainOptions) {
  const optimizer = options.optimizer ?? 'adam';
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(optimizer)) {
    throw new UsageError(
      `optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got '${String(optimizer)}'`,
    );
  }
  if (!(typeof options.learningRate === 'number' && options.learningRate > 0)) {
    throw new UsageError(`learningRate must be a number > 0, got ${String(options.learningRate)}`);
  }
  return {
    epochs: checkInteger('epochs', options.epochs, 1),
    batchSize: checkInteger('batchSize', options.batchSize, 1),
    learningRate: checkNumberInRange('learningRate', options.learningRate, 0, 10),
    seed: checkInteger('seed', options.seed, 0),
    optimizer,
    shuffle: options.shuffle ?? true,
    progressEveryBatches: checkInteger(
      'progressEveryBatches',
      options.progressEveryBatches ?? 20,
      1,
    ),
  };
}
