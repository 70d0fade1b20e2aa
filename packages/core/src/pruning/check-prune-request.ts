// Entry checks and weight counts shared by every weight pruner (LAMP, global, Uniform+, ERK).
import type { PruneRequest } from '../contracts/pruner';
import { UsageError } from '../errors';

/** The counts a pruner plans with, all in weights, per layer in request order. */
export interface PruneBudget {
  /** The request's targetSparsity, checked to lie in [0, 1]. */
  readonly targetSparsity: number;
  /** `values.length` of each weight. */
  readonly sizePerLayer: readonly number[];
  /** Weights still alive in each weight's `aliveMask`. */
  readonly alivePerLayer: readonly number[];
  /** Sum of `sizePerLayer`: every prunable weight of the model. */
  readonly totalWeights: number;
  /** Weights already dead in the request. */
  readonly deadWeights: number;
  /** round(targetSparsity · totalWeights): how many must be dead afterwards. */
  readonly targetDeadWeights: number;
  /**
   * Alive weights this pruning must kill: targetDeadWeights − deadWeights, or 0 when the
   * already-dead weights reach the target (nothing is revived).
   */
  readonly weightsToPrune: number;
}

function product(shape: readonly number[]): number {
  return shape.reduce((size, dim) => size * dim, 1);
}

/**
 * Checks a prune request on entry and counts its weights. Throws a UsageError, prefixed by
 * `plugin`, naming the bad input: a targetSparsity outside [0, 1], no weights, a repeated name,
 * a shape, values and aliveMask that disagree in length, a mask entry other than 0 or 1, a
 * non-finite weight value, or an option not in `knownOptions`. Option values are the pruner's
 * own business.
 */
export function checkPruneRequest(
  plugin: string,
  request: PruneRequest,
  knownOptions: readonly string[] = [],
): PruneBudget {
  const { weights, targetSparsity, options } = request;
  if (
    typeof targetSparsity !== 'number' ||
    !Number.isFinite(targetSparsity) ||
    targetSparsity < 0 ||
    targetSparsity > 1
  ) {
    throw new UsageError(
      `${plugin}: targetSparsity must be in [0, 1], got ${String(targetSparsity)}`,
    );
  }
  for (const name of Object.keys(options ?? {})) {
    if (!knownOptions.includes(name)) {
      const expected = knownOptions.length > 0 ? knownOptions.join(', ') : 'no options';
      throw new UsageError(`${plugin}: unknown option '${name}' (expected ${expected})`);
    }
  }
  if (!Array.isArray(weights) || weights.length === 0) {
    throw new UsageError(`${plugin}: the request has no prunable weights`);
  }
  const seenNames = new Set<string>();
  const sizePerLayer: number[] = [];
  const alivePerLayer: number[] = [];
  for (const weight of weights) {
    if (seenNames.has(weight.name)) {
      throw new UsageError(`${plugin}: weight '${weight.name}' appears twice in the request`);
    }
    seenNames.add(weight.name);
    const size = weight.values.length;
    if (product(weight.shape) !== size) {
      throw new UsageError(
        `${plugin}: weight '${weight.name}' has shape [${weight.shape.join(', ')}] but ${size} values`,
      );
    }
    if (weight.aliveMask.length !== size) {
      throw new UsageError(
        `${plugin}: aliveMask of '${weight.name}' has length ${weight.aliveMask.length}, expected ${size} (one entry per value)`,
      );
    }
    let alive = 0;
    for (let index = 0; index < size; index++) {
      const flag = weight.aliveMask[index];
      if (flag !== 0 && flag !== 1) {
        throw new UsageError(
          `${plugin}: aliveMask of '${weight.name}' holds ${flag} at index ${index} (expected 0 or 1)`,
        );
      }
      if (!Number.isFinite(weight.values[index])) {
        throw new UsageError(
          `${plugin}: weight '${weight.name}' holds ${weight.values[index]} at index ${index} (expected finite values)`,
        );
      }
      alive += flag;
    }
    sizePerLayer.push(size);
    alivePerLayer.push(alive);
  }
  const totalWeights = sizePerLayer.reduce((sum, size) => sum + size, 0);
  const aliveWeights = alivePerLayer.reduce((sum, alive) => sum + alive, 0);
  const deadWeights = totalWeights - aliveWeights;
  const targetDeadWeights = Math.round(targetSparsity * totalWeights);
  return {
    targetSparsity,
    sizePerLayer,
    alivePerLayer,
    totalWeights,
    deadWeights,
    targetDeadWeights,
    weightsToPrune: Math.max(0, targetDeadWeights - deadWeights),
  };
}

/**
 * Reads an optional share-valued option (e.g. Uniform+'s `lastLayerMaxSparsity`): `fallback`
 * when absent, else a number in [0, 1]; a UsageError names it otherwise.
 */
export function readShareOption(
  plugin: string,
  options: Readonly<Record<string, unknown>> | undefined,
  name: string,
  fallback: number,
): number {
  const value = options?.[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(
      `${plugin}: option ${name} must be a number in [0, 1], got ${String(value)}`,
    );
  }
  return value;
}
