import * as tf from '@tensorflow/tfjs';
import {
  cloneModel,
  firstSamples,
  assertSliceMatchesModel,
  type LabeledDataset,
  type Maintainer,
  type MaintenanceReport,
  type MaintenanceRequest,
  type Metric,
  masksFromNeuronSets,
  NeuronModel,
  type Slice,
  sliceToJson,
  UsageError,
} from '@neusemslice/core';
import { classSubset, samplePerClass } from '@neusemslice/data';
import { epochOrder, trainModel, type TrainOptions } from '@neusemslice/models';
import { disposeAnchors, type EwcAnchor, ewcExtraLoss, fisherAnchors, fisherBytes } from './ewc';
import { type IncrementalOptions, parseIncrementalOptions, PLUGIN } from './options';
import { type TaskAccuracy, taskAccuracy } from './task-accuracy';
import { nonCritical, type TrainableMasks, trainableMasks, wholeLayers } from './trainable-masks';

/** DeepArc's slicer does not rank neurons; it is still handed a metric, which it never calls. */
const UNUSED_METRIC: Metric = {
  name: 'none',
  description: 'placeholder: the DeepArc slicer measures layer similarity, not neuron scores',
  score: () => Promise.reject(new Error(`${PLUGIN}: the placeholder metric was called`)),
};

/** How one strategy trains: on which data, which parameters, with which extra term. */
interface TrainingPlan {
  data: LabeledDataset;
  replaySamples: number;
  masks?: TrainableMasks;
  anchors?: EwcAnchor[];
  /** Task A is read through its sub-network (non-critical neurons masked). */
  maskTaskA: boolean;
  /** Keep batch-norm statistics as they are (every strategy that protects something). */
  freezeBatchNorm: boolean;
  /** DeepArc found no redundant layer: nothing to train. */
  nothingToTrain: boolean;
  redundantLayers?: string[];
  bytesKeptFromTaskA: number;
}

function isNeuSemSlice(options: IncrementalOptions): boolean {
  return options.strategy === 'neusemslice' || options.strategy === 'neusemslice+replay';
}

function sliceIsEmpty(slice: Slice): boolean {
  return Object.values(slice.critical).every((indices) => indices.length === 0);
}

/** Task B's samples plus a seeded share of task A's, in data-set order. */
function trainingData(
  train: LabeledDataset,
  options: IncrementalOptions,
  replayShare: number,
): { data: LabeledDataset; replaySamples: number } {
  const inA = new Set(options.taskA);
  const inB = new Set(options.taskB);
  const labels = train.labels();
  const indicesA: number[] = [];
  const chosen: number[] = [];
  labels.forEach((label, index) => {
    if (inB.has(label)) chosen.push(index);
    else if (inA.has(label)) indicesA.push(index);
  });
  if (chosen.length === 0) {
    throw new UsageError(
      `${PLUGIN}: training data '${train.name}' holds no sample of task B (classes ${options.taskB.join(', ')})`,
    );
  }
  const replaySamples = Math.round(replayShare * indicesA.length);
  if (replayShare > 0 && replaySamples === 0) {
    throw new UsageError(
      `${PLUGIN}: replay ${replayShare} of ${indicesA.length} task-A samples replays none`,
    );
  }
  const order = epochOrder(indicesA.length, options.seed, -1);
  for (let rank = 0; rank < replaySamples; rank++) chosen.push(indicesA[order[rank]]);
  const indices = Int32Array.from(chosen).sort();
  const name =
    replaySamples > 0
      ? `${train.name}/task-b+replay-${replayShare}`
      : `${train.name}/classes-${options.taskB.join('-')}`;
  return { data: train.subset(indices, name), replaySamples };
}

/** Bytes a replay buffer of task-A samples takes: 8-bit pixels and a 1-byte label each. */
export function replayBufferBytes(samples: number, inputShape: readonly number[]): number {
  return samples * (inputShape.reduce((product, size) => product * size, 1) + 1);
}

/**
 * Incremental development (paper §4.3, SPEC §4): a model trained on task A learns task B from
 * B's data, with one output layer holding a unit per class of both tasks. Strategies:
 * `neusemslice` trains only the non-critical neurons' parameters and B's output units (critical
 * neurons and A's output units stay bit-identical; task A is read through A's sub-network);
 * `retrain` trains everything; `replay` adds a share of A's training data; `deeparc` trains only
 * the layers DeepArc finds redundant; `neusemslice+replay` combines both; `ewc` adds the elastic
 * weight consolidation penalty. The request's `trainData`/`testData` hold both tasks; the
 * maintainer splits them by class.
 */
export class IncrementalMaintainer implements Maintainer {
  readonly name = 'incremental';
  readonly description =
    'Learns task B without forgetting task A: trains only non-critical neurons (neusemslice), or the retrain / replay / deeparc / neusemslice+replay / ewc baselines';

  async maintain(request: MaintenanceRequest): Promise<MaintenanceReport> {
    const original = request.model;
    const options = parseIncrementalOptions(request.options, original.numClasses);
    assertSliceMatchesModel(request.slice, original);
    if (!request.testData) {
      throw new UsageError(
        `${PLUGIN}: testData is required (task A and task B are measured on it)`,
      );
    }
    for (const [role, data] of [
      ['trainData', request.trainData],
      ['testData', request.testData],
    ] as const) {
      if (data.numClasses !== original.numClasses) {
        throw new UsageError(
          `${PLUGIN}: ${role} '${data.name}' has ${data.numClasses} classes; the model's single head has ${original.numClasses}`,
        );
      }
    }
    const startedAt = Date.now();
    const testA = firstSamples(classSubset(request.testData, options.taskA), options.testSamples);
    const testB = firstSamples(classSubset(request.testData, options.taskB), options.testSamples);
    if (testA.size === 0 || testB.size === 0) {
      throw new UsageError(
        `${PLUGIN}: testData '${request.testData.name}' lacks task A or B samples`,
      );
    }
    const beforeA = await taskAccuracy(original, testA, options.taskA);
    const beforeB = await taskAccuracy(original, testB, options.taskB);
    const copy = await cloneModel(original.model);
    const trained = new NeuronModel(copy);
    let plan: TrainingPlan | undefined;
    try {
      plan = await this.plan(request, options, trained);
      let trainSeconds = 0;
      if (!plan.nothingToTrain) {
        const masks = plan.masks;
        const trainOptions: TrainOptions = {
          epochs: options.epochs,
          batchSize: options.batchSize,
          learningRate: options.learningRate,
          optimizer: options.optimizer,
          seed: options.seed,
          freezeBatchNorm: plan.freezeBatchNorm,
          onProgress: request.onProgress,
          ...(masks
            ? {
                gradientMask: (weightName: string) => masks.masks.get(weightName),
                trainableVariables: masks.variables,
              }
            : {}),
          ...(plan.anchors ? { extraLoss: ewcExtraLoss(plan.anchors, options.ewcLambda) } : {}),
        };
        trainSeconds = (await trainModel(copy, plan.data, trainOptions)).seconds;
        trained.weightsChanged();
      }
      const taskAMasks = plan.maskTaskA
        ? masksFromNeuronSets(trained, request.slice.critical)
        : undefined;
      const afterA = await taskAccuracy(trained, testA, options.taskA, { masks: taskAMasks });
      const afterB = await taskAccuracy(trained, testB, options.taskB);
      const wholeA = plan.maskTaskA ? await taskAccuracy(trained, testA, options.taskA) : afterA;
      const seconds = (Date.now() - startedAt) / 1000;
      return {
        figures: figuresOf(
          options,
          plan,
          { beforeA, beforeB, afterA, afterB, wholeA },
          {
            seconds,
            trainSeconds,
            trainedParameters: plan.masks?.trainedParameters ?? parameterCount(copy),
            totalParameters: parameterCount(copy),
          },
        ),
        model: copy,
        details: {
          strategy: options.strategy,
          taskA: options.taskA,
          taskB: options.taskB,
          trainingSamples: plan.data.size,
          replaySamples: plan.replaySamples,
          taskAInference: plan.maskTaskA
            ? "task A's sub-network (non-critical neurons masked), single head"
            : 'whole network, single head',
          taskBInference: 'whole network, single head',
          taskIncremental:
            'taskAIncremental / taskBIncremental: argmax over the task’s own classes only',
          ...(plan.redundantLayers ? { redundantLayers: plan.redundantLayers } : {}),
          ...(plan.nothingToTrain
            ? { note: 'DeepArc found no redundant layer: nothing was trained, task B not learnt' }
            : {}),
        },
      };
    } catch (error) {
      copy.dispose();
      throw error;
    } finally {
      plan?.masks?.dispose();
      if (plan?.anchors) disposeAnchors(plan.anchors);
    }
  }

  private async plan(
    request: MaintenanceRequest,
    options: IncrementalOptions,
    trained: NeuronModel,
  ): Promise<TrainingPlan> {
    const train = request.trainData;
    const replayShare =
      options.strategy === 'replay' || options.strategy === 'neusemslice+replay'
        ? options.replay
        : 0;
    const { data, replaySamples } = trainingData(train, options, replayShare);
    const plan: TrainingPlan = {
      data,
      replaySamples,
      maskTaskA: false,
      freezeBatchNorm: false,
      nothingToTrain: false,
      bytesKeptFromTaskA: replayBufferBytes(replaySamples, train.inputShape),
    };
    if (isNeuSemSlice(options)) {
      // An empty slice protects nothing of task A, its output units included: then the
      // strategy is plain retraining (on B, plus the replay share).
      const protect = !sliceIsEmpty(request.slice);
      plan.masks = trainableMasks(trained, {
        neurons: nonCritical(trained, request.slice.critical),
        outputUnits: protect ? options.taskB : allClasses(trained.numClasses),
      });
      plan.maskTaskA = protect;
      plan.freezeBatchNorm = protect;
      plan.bytesKeptFromTaskA += Buffer.byteLength(sliceToJson(request.slice));
    } else if (options.strategy === 'deeparc') {
      const slicer = request.components('slicer', 'deeparc');
      const sliceData = samplePerClass(
        classSubset(train, options.taskA),
        options.deeparcPerClass,
        options.seed,
      );
      const deeparcSlice = await slicer.slice({
        model: request.model,
        data: sliceData,
        metric: UNUSED_METRIC,
        options: { threshold: options.deeparcThreshold },
        batchSize: options.batchSize,
        onProgress: request.onProgress,
      });
      const redundant = trained.neuronLayers
        .filter((layer) => (deeparcSlice.critical[layer.name] ?? []).length === 0)
        .map((layer) => layer.name);
      plan.redundantLayers = redundant;
      plan.bytesKeptFromTaskA = Buffer.byteLength(JSON.stringify(redundant));
      if (redundant.length === 0) {
        plan.nothingToTrain = true;
      } else {
        plan.masks = trainableMasks(trained, {
          neurons: wholeLayers(trained, new Set(redundant)),
          outputUnits: options.taskB,
        });
        plan.freezeBatchNorm = true;
      }
    } else if (options.strategy === 'ewc') {
      const fisherData = seededSample(
        classSubset(train, options.taskA),
        options.fisherSamples,
        options.seed,
      );
      plan.anchors = fisherAnchors(trained.model, fisherData);
      plan.bytesKeptFromTaskA = fisherBytes(plan.anchors);
    }
    return plan;
  }
}

function allClasses(numClasses: number): number[] {
  return Array.from({ length: numClasses }, (_, label) => label);
}

function seededSample(data: LabeledDataset, count: number, seed: number): LabeledDataset {
  if (data.size === 0)
    throw new UsageError(`${PLUGIN}: no task-A training sample for EWC's Fisher`);
  const order = epochOrder(data.size, seed, -2);
  const picked = Int32Array.from(order.subarray(0, Math.min(count, data.size))).sort();
  return data.subset(picked, `${data.name}/fisher-${picked.length}`);
}

function parameterCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((sum, weight) => sum + (weight.read().size as number), 0);
}

function figuresOf(
  options: IncrementalOptions,
  plan: TrainingPlan,
  accuracy: {
    beforeA: TaskAccuracy;
    beforeB: TaskAccuracy;
    afterA: TaskAccuracy;
    afterB: TaskAccuracy;
    wholeA: TaskAccuracy;
  },
  cost: {
    seconds: number;
    trainSeconds: number;
    trainedParameters: number;
    totalParameters: number;
  },
): Record<string, number> {
  const { beforeA, beforeB, afterA, afterB, wholeA } = accuracy;
  const trainedParameters = plan.nothingToTrain ? 0 : cost.trainedParameters;
  return {
    taskA: afterA.singleHead,
    taskB: afterB.singleHead,
    mean: (afterA.singleHead + afterB.singleHead) / 2,
    bwt: afterA.singleHead - beforeA.singleHead,
    taskABefore: beforeA.singleHead,
    taskBBefore: beforeB.singleHead,
    taskAIncremental: afterA.taskIncremental,
    taskBIncremental: afterB.taskIncremental,
    bwtIncremental: afterA.taskIncremental - beforeA.taskIncremental,
    taskAWholeNetwork: wholeA.singleHead,
    seconds: cost.seconds,
    trainSeconds: cost.trainSeconds,
    trainedParameters,
    trainedShare: cost.totalParameters > 0 ? trainedParameters / cost.totalParameters : 0,
    trainingSamples: plan.nothingToTrain ? 0 : plan.data.size,
    replaySamples: plan.replaySamples,
    bytesKeptFromTaskA: plan.bytesKeptFromTaskA,
    ...(options.strategy === 'deeparc'
      ? { redundantLayers: plan.redundantLayers?.length ?? 0 }
      : {}),
    ...(options.strategy === 'ewc' ? { ewcLambda: options.ewcLambda } : {}),
  };
}
