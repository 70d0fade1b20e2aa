import * as tf from '@tensorflow/tfjs';
import {
  cloneModel,
  firstSamples,
  accuracyOnSet,
  type AdversarialSet,
  assertSliceMatchesModel,
  type Attack,
  type AttackOptions,
  crossEntropyFromLogits,
  disposeAdversarialSet,
  evaluateAccuracy,
  makeAdversarialSet,
  type MaintenanceReport,
  type MaintenanceRequest,
  type Maintainer,
  masksFromNeuronSets,
  type NeuronMasks,
  NeuronModel,
  type NeuronSets,
} from '@neusemslice/core';
import { type ExtraLoss, trainModel } from '@neusemslice/models';
import { type BlockSimilarity, blockSimilarities } from './block-similarity';
import { parseReadaptOptions, type ReadaptOptions } from './options';
import { trainedParameters } from './trained-parameters';

/** Seeds of the attacks made during training and of the re-attack, apart from the first set's. */
const TRAINING_SEED_OFFSET = 1_000;
const REATTACK_SEED_OFFSET = 500_000;

function attackOptionsOf(options: ReadaptOptions, seed: number): AttackOptions {
  return { epsilon: options.epsilon, stepSize: options.stepSize, steps: options.steps, seed };
}

/** The neurons whose parameters a strategy trains; undefined means every parameter. */
function selectedNeurons(
  model: NeuronModel,
  options: ReadaptOptions,
  critical: NeuronSets,
  blocks: readonly string[],
): NeuronMasks | undefined {
  switch (options.strategy) {
    case 'full':
      return undefined;
    case 'neusemslice':
      return masksFromNeuronSets(model, critical);
    case 'deeparc':
      return Object.fromEntries(
        blocks.map((name) => [name, new Float32Array(model.layer(name).units).fill(1)]),
      );
    case 'neusemslice+deeparc': {
      const all = masksFromNeuronSets(model, critical);
      return Object.fromEntries(blocks.map((name) => [name, all[name]]));
    }
  }
}

/**
 * Re-adaptation (paper §4.2, RQ3): repairs a model against an attack by retraining a copy on
 * L = CE(x, y) + CE(adv(x), y), adv made against the current weights at every step, updating
 * only the parameters the strategy selects; every other parameter keeps its exact value.
 */
export class ReadaptMaintainer implements Maintainer {
  readonly name = 'readapt';
  readonly description =
    'Adversarial re-adaptation training only critical neurons (or all, or DeepArc blocks)';

  async maintain(request: MaintenanceRequest): Promise<MaintenanceReport> {
    const startedAt = Date.now();
    const options = parseReadaptOptions(request.options);
    const model = request.model;
    assertSliceMatchesModel(request.slice, model);
    const attack: Attack = request.components('attack', options.attack);
    const train = firstSamples(request.trainData, options.samples);
    const test = request.testData;
    const batchSize = options.batchSize;

    // The fixed adversarial set: the first samples attacked once against the original model.
    const fixedSet = makeAdversarialSet(
      model,
      train,
      attack,
      attackOptionsOf(options, options.seed),
      {
        batchSize,
        onProgress: request.onProgress,
      },
    );
    let reattackSet: AdversarialSet | undefined;
    let copy: tf.LayersModel | undefined;
    let masks: Map<string, tf.Tensor> = new Map();
    try {
      const robustAccuracyBefore = accuracyOnSet(model, fixedSet);
      const cleanData = test ?? train;
      const cleanAccuracyBefore = (await evaluateAccuracy(model, cleanData, { batchSize: 256 }))
        .accuracy;
      let similarities: BlockSimilarity[] = [];
      let blocks: string[] = [];
      if (options.strategy === 'deeparc' || options.strategy === 'neusemslice+deeparc') {
        similarities = blockSimilarities(model, train, fixedSet, batchSize);
        blocks = similarities.slice(0, options.blocks).map((similarity) => similarity.layer);
      }

      copy = await cloneModel(model.model);
      const working = new NeuronModel(copy);
      const selection = trainedParameters(
        working,
        selectedNeurons(working, options, request.slice.critical, blocks),
      );
      masks = selection.masks;
      let step = 0;
      const extraLoss: ExtraLoss = {
        prepare: (batch) => [
          attack.perturb(
            working,
            batch.x,
            batch.labels,
            attackOptionsOf(options, options.seed + TRAINING_SEED_OFFSET + step++),
          ),
        ],
        loss: ({ model: trained, prepared, oneHot, training }) =>
          crossEntropyFromLogits(trained.apply(prepared[0], { training }) as tf.Tensor, oneHot),
      };
      const history = await trainModel(copy, train, {
        epochs: options.epochs,
        batchSize,
        learningRate: options.learningRate,
        optimizer: options.optimizer,
        seed: options.seed,
        trainableVariables: selection.variables,
        gradientMask: options.strategy === 'full' ? undefined : (name) => masks.get(name),
        // Moving statistics are not trained: every parameter outside the selection stays put.
        freezeBatchNorm: true,
        extraLoss,
        onProgress: request.onProgress,
      });
      working.weightsChanged();

      const ra = accuracyOnSet(working, fixedSet);
      reattackSet = makeAdversarialSet(
        working,
        train,
        attack,
        attackOptionsOf(options, options.seed + REATTACK_SEED_OFFSET),
        { batchSize },
      );
      const raa = accuracyOnSet(working, reattackSet);
      const cleanAccuracy = (await evaluateAccuracy(working, cleanData, { batchSize: 256 }))
        .accuracy;
      const report: MaintenanceReport = {
        figures: {
          tpr: selection.trained / selection.total,
          ra,
          raa,
          robustAccuracyBefore,
          cleanAccuracy,
          cleanAccuracyBefore,
          trainedParameters: selection.trained,
          totalParameters: selection.total,
          samples: train.size,
          seconds: history.seconds,
          totalSeconds: (Date.now() - startedAt) / 1000,
        },
        model: copy,
        details: {
          strategy: options.strategy,
          attack: options.attack,
          attackOptions: attackOptionsOf(options, options.seed),
          epochs: options.epochs,
          learningRate: options.learningRate,
          optimizer: options.optimizer,
          batchSize,
          cleanAccuracyOn: cleanData.name,
          reattack: 'the same training samples attacked again against the retrained model',
          trainedBlocks: blocks,
          blockSimilarities: similarities,
          trainedPerWeight: selection.perWeight,
          history: history.epochs,
        },
      };
      copy = undefined;
      return report;
    } finally {
      copy?.dispose();
      disposeAdversarialSet(fixedSet);
      if (reattackSet) disposeAdversarialSet(reattackSet);
      tf.dispose([...masks.values()]);
    }
  }
}
