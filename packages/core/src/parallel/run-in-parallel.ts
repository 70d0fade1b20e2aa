import * as tf from '@tensorflow/tfjs';
import type { Worker } from 'node:worker_threads';
import type { Metric } from '../contracts/metric';
import type { LabeledDataset } from '../data/labeled-dataset';
import { UsageError } from '../errors';
import type { NeuronModel } from '../model/neuron-model';
import type { ItemTask } from './item-task';
import { modelArtifacts } from './model-artifacts';
import { packItems, type WorkItem } from './packed-items';
import { discoverPluginModules } from './plugin-modules';
import { launchWorker } from './worker-launch';
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
}

export interface RunItemsOptions<Input> {
  model: NeuronModel;
  data: LabeledDataset;
  items: readonly WorkItem[];
  /** Threads in all, the main thread included (already resolved, ≥ 1). */
  threads: number;
  workerPlugins?: readonly string[];
  metric?: Metric;
  input: Input;
  /** Samples per batch when copying the items into shared memory. */
  batchSize: number;
  /** Prefix of error messages, e.g. `slicer-semantic`. */
  owner: string;
  /** Called as each item finishes, with the count of finished items. */
  onItemDone?: (done: number, total: number) => void;
}

interface WorkerMessage {
  type: 'result' | 'done' | 'error';
  item?: number;
  result?: unknown;
  name?: string;
  message?: string;
  stack?: string;
}

/** The plugin modules workers will register, or why there are none. */
export function workerPluginModules(given: readonly string[] | undefined): string[] {
  return given ? [...given] : discoverPluginModules();
}

/**
 * Threads for a run: `workers` when given (checked), else one per core capped by the data size
 * (see `resolveWorkerCount`), and 1 when no plugin modules are known for the workers.
 */
export function resolveThreads(
  owner: string,
  options: ParallelOptions,
  samples: number,
  items: number,
): number {
  const requested = checkWorkers(owner, options.workers);
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
 * Runs `task` once per item on `threads` threads: the main thread and `threads − 1` workers.
 * Every thread claims the next item from a shared counter (largest items first), so a worker
 * that starts late just takes fewer items. Each item is computed whole by one thread with the
 * same code, the same backend and the same batches, so results do not depend on which thread
 * ran it. Returns the results in item order; throws the first worker failure.
 */
export async function runItemsInParallel<Input, Result>(
  task: ItemTask<Input, Result>,
  options: RunItemsOptions<Input>,
): Promise<Result[]> {
  const { items } = options;
  const results = new Array<Result>(items.length);
  const claimOrder = new Int32Array(new SharedArrayBuffer(4 * items.length));
  Array.from(items.keys())
    .sort((a, b) => items[b].indices.length - items[a].indices.length || a - b)
    .forEach((item, position) => {
      claimOrder[position] = item;
    });
  const claims = new Int32Array(new SharedArrayBuffer(4));
  let done = 0;
  const finished = (item: number, result: Result) => {
    results[item] = result;
    done++;
    options.onItemDone?.(done, items.length);
  };

  const workers: Worker[] = [];
  const outcomes: Promise<void>[] = [];
  if (options.threads > 1) {
    const plugins = workerPluginModules(options.workerPlugins);
    if (plugins.length === 0) {
      throw new UsageError(
        `${options.owner}: ${options.threads} workers need the plugin modules each worker registers ` +
          `(none were found loaded with require): pass workerPlugins, e.g. ` +
          `[require.resolve('@neusemslice/backend-wasm'), require.resolve('@neusemslice/metric-taylor')]`,
      );
    }
    const boot = {
      plugins,
      backend: tf.getBackend(),
      artifacts: await modelArtifacts(options.model.model),
      metricName: options.metric?.name,
      task: { module: task.module, exportName: task.exportName },
      input: options.input,
      claims,
      claimOrder,
      isTest: tf.env().getBool('IS_TEST'),
    };
    for (let index = 1; index < options.threads; index++) {
      const worker = launchWorker(boot);
      workers.push(worker);
      outcomes.push(
        new Promise<void>((resolve, reject) => {
          worker.on('message', (message: WorkerMessage) => {
            if (message.type === 'result')
              finished(message.item as number, message.result as Result);
            else if (message.type === 'done') resolve();
            else {
              const failure = new Error(`worker ${index}: ${message.message}`);
              failure.name = message.name ?? 'Error';
              if (message.stack) failure.stack = `${failure.message}\n${message.stack}`;
              reject(failure);
            }
          });
          worker.on('error', (error) => reject(error));
          worker.on('exit', (code) =>
            reject(new Error(`worker ${index} exited with code ${code} before finishing`)),
          );
        }),
      );
    }
    // Workers boot (tfjs, plugins, model) while the samples are copied into shared memory.
    const packed = packItems(options.data, items, options.batchSize);
    for (const worker of workers) worker.postMessage({ packed });
  }

  try {
    for (;;) {
      const position = Atomics.add(claims, 0, 1);
      if (position >= items.length) break;
      const item = claimOrder[position];
      const data = options.data.subset(items[item].indices, `${options.data.name}/item-${item}`);
      finished(
        item,
        await task.run({
          model: options.model,
          data,
          category: items[item].category,
          metric: options.metric,
          input: options.input,
        }),
      );
    }
    const settled = await Promise.allSettled(outcomes);
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure) throw (failure as PromiseRejectedResult).reason;
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results;
}
