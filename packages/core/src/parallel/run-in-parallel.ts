import type { Metric } from '../contracts/metric';
import type { LabeledDataset } from '../data/labeled-dataset';
import { UsageError } from '../errors';
import type { NeuronModel } from '../model/neuron-model';
import { claimSchedule, runClaimedItemsHere } from './item-claims';
import type { ItemTask } from './item-task';
import type { WorkItem } from './packed-items';
import { workerPluginModules } from './plugin-modules';
import { WorkerPool } from './worker-pool';
import { checkWorkers, resolveWorkerCount } from './worker-count';

/** How a caller asks for threads; both optional (see `resolveWorkerCount`). */
export interface ParallelOptions {
  /** Threads in all, the main thread included; 1 runs everything in the main thread. */
  workers?: number;
  /**
   * Plugin modules (absolute paths, e.g. `require.resolve('@neusemslice/metric-taylor')`) each
   * worker registers: at least the backend's and the metric's. Default: the plugin modules this
   * process loaded with `require`.
   */
  workerPlugins?: readonly string[];
  /**
   * A pool started ahead (`startWorkerPool`) whose warm workers run the work instead of workers
   * launched for this call; its plugins and backend then apply. Default threads: the pool's.
   */
  workerPool?: WorkerPool;
}

export interface RunItemsOptions<Input> {
  model: NeuronModel;
  data: LabeledDataset;
  items: readonly WorkItem[];
  /** Threads in all, the main thread included (already resolved, ≥ 1). */
  threads: number;
  workerPlugins?: readonly string[];
  /** Warm workers to use instead of launching `threads − 1` for this call; left open. */
  pool?: WorkerPool;
  metric?: Metric;
  input: Input;
  /** Samples per batch when copying the items into shared memory. */
  batchSize: number;
  /** Prefix of error messages, e.g. `slicer-semantic`. */
  owner: string;
  /** Called as each item finishes, with the count of finished items. */
  onItemDone?: (done: number, total: number) => void;
}

/**
 * Threads for a run: `workers` when given (checked), else one per core capped by the data size
 * (see `resolveWorkerCount`), and 1 when no plugin modules are known for the workers. With a
 * `workerPool`, its threads by default (its workers are already started), never more than it has.
 */
export function resolveThreads(
  owner: string,
  options: ParallelOptions,
  samples: number,
  items: number,
): number {
  const requested = checkWorkers(owner, options.workers);
  const pool = options.workerPool;
  if (pool) {
    if (requested !== undefined && requested > pool.threads)
      throw new UsageError(
        `${owner}: workers ${requested} exceeds the worker pool's ${pool.threads} threads`,
      );
    return Math.max(1, Math.min(requested ?? pool.threads, items));
  }
  const threads = resolveWorkerCount(requested, samples, items);
  if (
    requested === undefined &&
    threads > 1 &&
    workerPluginModules(options.workerPlugins).length === 0
  )
    return 1;
  return threads;
}

/**
 * Runs `task` once per item on `threads` threads: the main thread and `threads − 1` workers,
 * those of `pool` when given (warm, kept open), else workers launched for this call and
 * terminated after it. Workers claim items from the front of a shared order (largest first),
 * the main thread from its back, meanwhile copying the workers' next items into shared memory;
 * a worker that starts late just takes fewer items. Each item is computed whole by
 * one thread with the same code, the same backend and the same batches, so results do not depend
 * on which thread ran it. Returns the results in item order; throws the first failure.
 */
export async function runItemsInParallel<Input, Result>(
  task: ItemTask<Input, Result>,
  options: RunItemsOptions<Input>,
): Promise<Result[]> {
  if (options.pool) return options.pool.runItems(task, options);
  if (options.threads <= 1) {
    const results = new Array<Result>(options.items.length);
    let done = 0;
    await runClaimedItemsHere(task, options, claimSchedule(options.items), (item, result) => {
      results[item] = result;
      options.onItemDone?.(++done, options.items.length);
    });
    return results;
  }
  // A pool for this call alone: its workers boot while the model is sent and the samples packed.
  const pool = new WorkerPool(
    { threads: options.threads, workerPlugins: options.workerPlugins },
    options.owner,
  );
  try {
    return await pool.runItems(task, options);
  } finally {
    await pool.close();
  }
}
