import type { PrunableWeight } from '../contracts/pruner';
import { checkPruneRequest, readShareOption } from './check-prune-request';

const weight = (name: string, alive: number[], shape = [alive.length, 1]): PrunableWeight => ({
  name,
  layerKind: 'dense',
  shape,
  values: Float32Array.from(alive, (_, index) => index + 1),
  aliveMask: Uint8Array.from(alive),
});

describe('checkPruneRequest', () => {
  const weights = [weight('a/kernel', [1, 0, 1, 1]), weight('b/kernel', [0, 0, 1, 1, 1, 1])];

  it('counts sizes, alive and dead weights, and how many alive ones must die', () => {
    expect(checkPruneRequest('pruner-x', { weights, targetSparsity: 0.74 })).toEqual({
      targetSparsity: 0.74,
      sizePerLayer: [4, 6],
      alivePerLayer: [3, 4],
      totalWeights: 10,
      deadWeights: 3,
      targetDeadWeights: 7,
      weightsToPrune: 4,
    });
    // A target below the already-dead share prunes nothing (and revives nothing).
    expect(checkPruneRequest('pruner-x', { weights, targetSparsity: 0.1 }).weightsToPrune).toBe(0);
  });

  it('names the bad input in a UsageError', () => {
    const check =
      (request: Parameters<typeof checkPruneRequest>[1], known: string[] = []) =>
      () =>
        checkPruneRequest('pruner-x', request, known);
    expect(check({ weights, targetSparsity: 1.5 })).toThrow(
      'pruner-x: targetSparsity must be in [0, 1], got 1.5',
    );
    expect(check({ weights, targetSparsity: 0.5, options: { step: 2 } }, ['scale'])).toThrow(
      "pruner-x: unknown option 'step' (expected scale)",
    );
    expect(check({ weights: [], targetSparsity: 0.5 })).toThrow('no prunable weights');
    expect(check({ weights: [weights[0], weights[0]], targetSparsity: 0.5 })).toThrow(
      "weight 'a/kernel' appears twice",
    );
    expect(
      check({ weights: [{ ...weights[0], aliveMask: new Uint8Array(3) }], targetSparsity: 0.5 }),
    ).toThrow("pruner-x: aliveMask of 'a/kernel' has length 3, expected 4");
    expect(check({ weights: [weight('c/kernel', [1, 2])], targetSparsity: 0.5 })).toThrow(
      "aliveMask of 'c/kernel' holds 2 at index 1",
    );
    expect(check({ weights: [weight('d/kernel', [1, 1], [3, 1])], targetSparsity: 0.5 })).toThrow(
      "weight 'd/kernel' has shape [3, 1] but 2 values",
    );
    const withNaN = weight('e/kernel', [1, 1]);
    withNaN.values[1] = Number.NaN;
    expect(check({ weights: [withNaN], targetSparsity: 0.5 })).toThrow(
      "weight 'e/kernel' holds NaN at index 1",
    );
  });
});

describe('readShareOption', () => {
  it('falls back when absent and refuses values outside [0, 1]', () => {
    expect(readShareOption('pruner-x', undefined, 'cap', 0.8)).toBe(0.8);
    expect(readShareOption('pruner-x', { cap: 0.3 }, 'cap', 0.8)).toBe(0.3);
    expect(() => readShareOption('pruner-x', { cap: '0.3' }, 'cap', 0.8)).toThrow(
      'pruner-x: option cap must be a number in [0, 1], got 0.3',
    );
  });
});
