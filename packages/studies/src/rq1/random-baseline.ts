import {
  checkInteger,
  type LabeledDataset,
  masksFromNeuronSets,
  type NeuronModel,
  type NeuronSets,
  randomNeuronSets,
  seededRandom,
} from '@neusemslice/core';
import { meanStd } from '../shared/summary-stats';
import { maskedAccuracy, type NeuronMeans } from './masked-evaluation';

/** Masked accuracy of random slices of one per-layer size: the chance level a slicer must beat. */
export interface RandomBaseline {
  /** Mean accuracy over the draws, 0 … 1. */
  accuracyMean: number;
  /** Sample standard deviation over the draws. */
  accuracyStd: number;
  draws: number;
}

/** Neurons kept per layer by a slice. */
export function layerSizes(critical: NeuronSets): Record<string, number> {
  return Object.fromEntries(
    Object.entries(critical).map(([layerName, neurons]) => [layerName, neurons.length]),
  );
}

/**
 * Random slices with the same per-layer sizes as the slices they stand beside, `draws` seeded
 * draws each, evaluated once per distinct size (consecutive Θ often give identical sizes).
 * The draws of a size depend only on the seed and the sizes, so reruns repeat them.
 */
export class RandomBaselines {
  private readonly measured = new Map<string, RandomBaseline>();
  private readonly draws: number;

  constructor(
    private readonly model: NeuronModel,
    private readonly testData: LabeledDataset,
    private readonly options: {
      draws: number;
      seed: number;
      batchSize: number;
      /** Mean replacement: a dropped neuron outputs its mean (as for the slice it is compared with). */
      means?: NeuronMeans;
    },
  ) {
    this.draws = checkInteger('randomDraws', options.draws, 1);
  }

  /** The random baseline at the per-layer sizes of `critical`. */
  async at(critical: NeuronSets): Promise<RandomBaseline> {
    const sizes = layerSizes(critical);
    const key = this.model.neuronLayers.map((layer) => sizes[layer.name] ?? 0).join(',');
    const known = this.measured.get(key);
    if (known) return known;
    // One generator per size, seeded by the study seed and the sizes, so no draw depends on order.
    const random = seededRandom(hashText(`${this.options.seed}:${key}`));
    const accuracies: number[] = [];
    for (let draw = 0; draw < this.draws; draw++) {
      const sets = randomNeuronSets(this.model.neuronLayers, sizes, random);
      accuracies.push(
        await maskedAccuracy(this.model, this.testData, {
          masks: masksFromNeuronSets(this.model, sets),
          means: this.options.means,
          batchSize: this.options.batchSize,
        }),
      );
    }
    const { mean, std } = meanStd(accuracies);
    const baseline = { accuracyMean: mean, accuracyStd: std, draws: this.draws };
    this.measured.set(key, baseline);
    return baseline;
  }
}

/** FNV-1a hash of a string, as an unsigned 32-bit seed. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
