import * as os from 'node:os';
import { UsageError } from '../errors';

/**
 * Fewest samples per thread before another thread pays off: starting a worker (loading tfjs, the
 * backend, the plugins and the model) costs about as much as slicing 2,000 MNIST samples.
 */
export const MIN_SAMPLES_PER_WORKER = 2000;

/** Throws a UsageError unless `workers` is undefined or an integer ≥ 1. */
export function checkWorkers(owner: string, workers: unknown): number | undefined {
  if (workers === undefined) return undefined;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1) {
    throw new UsageError(`${owner}: workers must be an integer ≥ 1, got ${String(workers)}`);
  }
  return workers;
}

/**
 * Threads to use (the main thread counts as one): the number asked for, else one per core,
 * capped so that each thread gets at least MIN_SAMPLES_PER_WORKER samples; never more threads
 * than work items.
 */
export function resolveWorkerCount(
  requested: number | undefined,
  samples: number,
  items: number,
): number {
  const wanted =
    requested ?? Math.min(os.availableParallelism(), Math.floor(samples / MIN_SAMPLES_PER_WORKER));
  return Math.max(1, Math.min(wanted, items));
}
