import * as tf from '@tensorflow/tfjs';
import type { PrunableWeight, Pruner, PruneRequest } from '../contracts/pruner';
import { isUsageError } from '../errors';
import { seededRandom } from './array-dataset';

interface ToyLayer {
  name: string;
  layerKind: PrunableWeight['layerKind'];
  shape: number[];
}

/** conv → conv → dense → dense (the output layer): 36 + 216 + 384 + 80 = 716 weights. */
const CONV_AND_DENSE_LAYERS: ToyLayer[] = [
  { name: 'conv1/kernel', layerKind: 'conv2d', shape: [3, 3, 1, 4] },
  { name: 'conv2/kernel', layerKind: 'conv2d', shape: [3, 3, 4, 6] },
  { name: 'fc1/kernel', layerKind: 'dense', shape: [24, 16] },
  { name: 'fc2/kernel', layerKind: 'dense', shape: [16, 5] },
];

/** An MLP 20-12-8-4: 240 + 96 + 32 = 368 weights. */
const DENSE_LAYERS: ToyLayer[] = [
  { name: 'fc1/kernel', layerKind: 'dense', shape: [20, 12] },
  { name: 'fc2/kernel', layerKind: 'dense', shape: [12, 8] },
  { name: 'fc3/kernel', layerKind: 'dense', shape: [8, 4] },
];

/**
 * A fixed toy weight set for pruner tests: seeded values on a grid of 1/32 (so some magnitudes
 * tie, and a few are exactly 0), with `withDead` some weights already dead as a slice leaves
 * them: in the conv model conv2's last filter (output channel 5), fc1's last unit (its column 15)
 * and fc2's matching input row; in the MLP fc1's units 10 and 11 and fc2's matching rows. Dead
 * weights keep non-zero values, so a pruner that ignores the mask is caught.
 */
export function makeToyPrunableWeights(
  options: { kind?: 'conv-and-dense' | 'dense'; seed?: number; withDead?: boolean } = {},
): PrunableWeight[] {
  const { kind = 'conv-and-dense', seed = 11, withDead = true } = options;
  const random = seededRandom(seed);
  const layers = kind === 'dense' ? DENSE_LAYERS : CONV_AND_DENSE_LAYERS;
  return layers.map(({ name, layerKind, shape }) => {
    const size = shape.reduce((product, dim) => product * dim, 1);
    const values = Float32Array.from(
      { length: size },
      () => Math.round((random() * 2 - 1) * 32) / 32,
    );
    const aliveMask = new Uint8Array(size).fill(1);
    const outputs = shape[shape.length - 1];
    const inputs = shape[shape.length - 2];
    const deadOutputs = new Set<number>();
    const deadInputs = new Set<number>();
    if (withDead && kind === 'conv-and-dense') {
      if (name === 'conv2/kernel') deadOutputs.add(5);
      if (name === 'fc1/kernel') deadOutputs.add(15);
      if (name === 'fc2/kernel') deadInputs.add(15);
    }
    if (withDead && kind === 'dense') {
      if (name === 'fc1/kernel') [10, 11].forEach((unit) => deadOutputs.add(unit));
      if (name === 'fc2/kernel') [10, 11].forEach((unit) => deadInputs.add(unit));
    }
    // Kernels are laid out [..., in, out]: index = (... · in + input) · out + output.
    for (let index = 0; index < size; index++) {
      const output = index % outputs;
      const input = Math.floor(index / outputs) % inputs;
      if (deadOutputs.has(output) || deadInputs.has(input)) aliveMask[index] = 0;
    }
    return { name, layerKind, shape, values, aliveMask };
  });
}

function countDead(mask: Uint8Array): number {
  return mask.reduce((dead, flag) => dead + (flag === 0 ? 1 : 0), 0);
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

export interface PrunerContractOptions {
  /** Valid options of the pruner under test, passed with every request. */
  pruneOptions?: Record<string, unknown>;
}

/**
 * The behaviour every Pruner must have (LAMP, global, Uniform+, ERK), on a conv + dense toy
 * weight set and a dense-only one, both with some weights already dead: masks have the weights'
 * names and lengths and hold only 0/1; the requested sparsity is hit (round(s · total) dead);
 * dead weights stay dead and masks only grow dead when pruning again; sparsity 0 (or any target
 * below the already-dead share) keeps every alive weight; within a layer no pruned weight is
 * larger than a kept one; the result is deterministic and the request untouched; a sparsity
 * outside [0, 1], a mask of the wrong length and an unknown option are UsageErrors naming them;
 * no tensor is left behind.
 */
export function describePrunerContract(
  makePruner: () => Pruner,
  options: PrunerContractOptions = {},
): void {
  const pruneOptions = options.pruneOptions ?? {};
  const fixtures = [
    { label: 'conv + dense', weights: makeToyPrunableWeights({ kind: 'conv-and-dense' }) },
    { label: 'dense only', weights: makeToyPrunableWeights({ kind: 'dense', seed: 12 }) },
  ];
  const request = (weights: readonly PrunableWeight[], targetSparsity: number): PruneRequest => ({
    weights,
    targetSparsity,
    options: pruneOptions,
  });

  describe(`Pruner contract: ${makePruner().name}`, () => {
    for (const { label, weights } of fixtures) {
      const total = weights.reduce((sum, weight) => sum + weight.values.length, 0);
      const alreadyDead = weights.reduce((sum, weight) => sum + countDead(weight.aliveMask), 0);

      describe(label, () => {
        it('returns one 0/1 mask per weight, with its name and length', () => {
          const masks = makePruner().prune(request(weights, 0.5));
          expect(Object.keys(masks).sort()).toEqual(weights.map((weight) => weight.name).sort());
          for (const weight of weights) {
            const mask = masks[weight.name];
            expect(mask).toBeInstanceOf(Uint8Array);
            expect(mask).toHaveLength(weight.values.length);
            expect(mask.every((flag) => flag === 0 || flag === 1)).toBe(true);
          }
        });

        for (const targetSparsity of [0.3, 0.55, 0.8]) {
          it(`hits sparsity ${targetSparsity}, keeps dead weights dead and prunes the smallest of each layer`, () => {
            const masks = makePruner().prune(request(weights, targetSparsity));
            const dead = weights.reduce((sum, weight) => sum + countDead(masks[weight.name]), 0);
            expect(dead).toBe(Math.round(targetSparsity * total));
            for (const weight of weights) {
              const mask = masks[weight.name];
              let largestPruned = 0;
              let smallestKept = Infinity;
              weight.aliveMask.forEach((wasAlive, index) => {
                if (!wasAlive) {
                  expect(mask[index]).toBe(0);
                  return;
                }
                const magnitude = Math.abs(weight.values[index]);
                if (mask[index] === 1) smallestKept = Math.min(smallestKept, magnitude);
                else largestPruned = Math.max(largestPruned, magnitude);
              });
              expect(largestPruned).toBeLessThanOrEqual(smallestKept);
            }
          });
        }

        it('only adds dead weights when pruning again from its own masks', () => {
          const first = makePruner().prune(request(weights, 0.4));
          const pruned = weights.map((weight) => ({ ...weight, aliveMask: first[weight.name] }));
          const second = makePruner().prune(request(pruned, 0.7));
          for (const weight of weights) {
            second[weight.name].forEach((flag, index) => {
              if (first[weight.name][index] === 0) expect(flag).toBe(0);
            });
          }
          const dead = weights.reduce((sum, weight) => sum + countDead(second[weight.name]), 0);
          expect(dead).toBe(Math.round(0.7 * total));
        });

        it('keeps every alive weight at sparsity 0 and below the already-dead share', () => {
          expect(alreadyDead).toBeGreaterThan(0);
          for (const targetSparsity of [0, (alreadyDead - 1) / total, alreadyDead / total]) {
            const masks = makePruner().prune(request(weights, targetSparsity));
            for (const weight of weights) {
              expect(Array.from(masks[weight.name])).toEqual(Array.from(weight.aliveMask));
            }
          }
        });

        it('is deterministic and leaves the request untouched', () => {
          const valuesBefore = weights.map((weight) => Array.from(weight.values));
          const masksBefore = weights.map((weight) => Array.from(weight.aliveMask));
          const first = makePruner().prune(request(weights, 0.6));
          const second = makePruner().prune(request(weights, 0.6));
          for (const weight of weights) {
            expect(Array.from(second[weight.name])).toEqual(Array.from(first[weight.name]));
            expect(first[weight.name]).not.toBe(weight.aliveMask);
          }
          expect(weights.map((weight) => Array.from(weight.values))).toEqual(valuesBefore);
          expect(weights.map((weight) => Array.from(weight.aliveMask))).toEqual(masksBefore);
        });

        it('refuses a sparsity outside [0, 1], a mask of the wrong length and an unknown option, naming them', () => {
          for (const badSparsity of [1.5, -0.1, Number.NaN]) {
            const error = thrown(() => makePruner().prune(request(weights, badSparsity)));
            expect(isUsageError(error)).toBe(true);
            expect((error as Error).message).toContain('targetSparsity');
            expect((error as Error).message).toContain(String(badSparsity));
          }
          const [first, ...rest] = weights;
          const shortMask = { ...first, aliveMask: first.aliveMask.subarray(1) };
          const lengthError = thrown(() => makePruner().prune(request([shortMask, ...rest], 0.5)));
          expect(isUsageError(lengthError)).toBe(true);
          expect((lengthError as Error).message).toContain(first.name);
          expect((lengthError as Error).message).toContain(String(first.values.length - 1));
          const optionError = thrown(() =>
            makePruner().prune({
              ...request(weights, 0.5),
              options: { ...pruneOptions, sparsityScheme: 'cubic' },
            }),
          );
          expect(isUsageError(optionError)).toBe(true);
          expect((optionError as Error).message).toContain('sparsityScheme');
        });

        it('leaves no tensor behind', () => {
          makePruner().prune(request(weights, 0.5));
          const tensorsBefore = tf.memory().numTensors;
          for (const targetSparsity of [0.2, 0.5, 0.8]) {
            makePruner().prune(request(weights, targetSparsity));
          }
          expect(tf.memory().numTensors).toBe(tensorsBefore);
        });
      });
    }
  });
}
