import * as os from 'node:os';
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { UsageError } from '../errors';
import type { NeuronModel } from '../model/neuron-model';
import {
  claimBack,
  claimCounts,
  claimSchedule,
  runClaimedItemsHere,
  stopClaims,
} from './item-claims';
import type { ItemTask } from './item-task';
import { modelArtifacts, modelArtifactsKey } from './model-artifacts';
import {
  abandonPackedItems,
  allocatePackedItems,
  type PackedItems,
  packItemInto,
} from './packed-items';
import { workerPluginModules } from './plugin-modules';
import type { RunItemsOptions } from './run-in-parallel';
import { launchWorker } from './worker-launch';
import type { FromWorkerMessage, PostedError } from './worker-messages';

export interface WorkerPoolOptions {
  /**
   * Threads in all, the main thread included (as `workers` elsewhere): the pool starts
   * `threads − 1` workers. Default: one per core (`os.availableParallelism()`).
   */
  threads?: number;
  /** tfjs backend the workers activate. Default: the main thread's `tf.getBackend()` now. */
  backend?: string;
  /**
   * Plugin modules (absolute paths) each worker registers: at least the backend's and the
   * metric's. Default: the plugin modules this process loaded with `require`.
   */
  workerPlugins?: readonly string[];
}

/** What a pool has done so far, to check that it reuses its workers and models. */
export interface WorkerPoolCounts {
  /** Worker threads started (the pool never starts more than `threads − 1`). */
  launches: number;
  /** Models posted to workers; a model a worker already holds (same content key) is not. */
  modelTransfers: number;
  /** Calls of `runItemsInParallel` served. */
  runs: number;
}

/** Distinct models each worker keeps (least recently used dropped first). */
const MODELS_PER_WORKER = 2;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  promise.catch(() => undefined); // a rejection nobody waits for is not an unhandled one
  return { promise, resolve, reject };
}

interface PoolSlot {
  /** 1-based, as in error messages (the main thread is thread 0). */
  index: number;
  worker: Worker;
  ready: Deferred;
  /** Content keys of the models this worker holds, least recently used first. */
  models: string[];
}

interface ActiveRun {
  runId: number;
  onMessage: (slot: PoolSlot, message: FromWorkerMessage) => void;
  abort: (error: Error) => void;
}

function errorFromWorker(prefix: string, posted: PostedError): Error {
  const failure = new Error(`${prefix}${posted.message}`);
  failure.name = posted.name;
  if (posted.stack) failure.stack = `${failure.message}\n${posted.stack}`;
  return failure;
}

/**
 * Worker threads started once and kept across calls of `runItemsInParallel` (pass it as `pool`,
 * or as `workerPool` to `scorePerCategory` and `slicer.slice`). The workers load tfjs, the
 * backend and the plugin modules in the background as soon as the pool starts, so that cost
 * overlaps whatever the main thread does meanwhile (loading the model and data) and is paid once
 * for many calls. Each call sends its model, which a worker keeps under a content key, so slicing
 * the same model again sends nothing.
 *
 * Calls on one pool run one after another. A failure inside a task rejects that call with the
 * worker's message and leaves the pool usable; a worker that fails to start or dies closes the
 * pool, and later calls reject with the reason. Idle workers do not keep the process alive; call
 * `close()` when done.
 */
export class WorkerPool {
  /** Threads in all, the main thread included. */
  readonly threads: number;
  /** tfjs backend the workers run. */
  readonly backend: string;
  /** Plugin modules each worker registered. */
  readonly plugins: readonly string[];
  private readonly slots: PoolSlot[] = [];
  private readonly allReady: Promise<void>;
  private readonly tally: WorkerPoolCounts = { launches: 0, modelTransfers: 0, runs: 0 };
  private closing?: Promise<void>;
  private closedBecause?: Error;
  private queue: Promise<void> = Promise.resolve();
  private holds = 0;
  private nextRunId = 1;
  private activeRun?: ActiveRun;

  /** Use `startWorkerPool`; `owner` prefixes error messages. */
  constructor(
    options: WorkerPoolOptions = {},
    private readonly owner = 'worker-pool',
  ) {
    const threads = options.threads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new UsageError(`${owner}: threads must be an integer ≥ 1, got ${String(threads)}`);
    }
    if (options.backend !== undefined && (typeof options.backend !== 'string' || !options.backend))
      throw new UsageError(
        `${owner}: backend must be a tfjs backend name, got ${String(options.backend)}`,
      );
    const plugins = workerPluginModules(options.workerPlugins);
    if (threads > 1 && plugins.length === 0) {
      throw new UsageError(
        `${owner}: ${threads} workers need the plugin modules each worker registers ` +
          `(none were found loaded with require): pass workerPlugins, e.g. ` +
          `[require.resolve('@neusemslice/backend-wasm'), require.resolve('@neusemslice/metric-taylor')]`,
      );
    }
    this.threads = threads;
    this.plugins = plugins;
    // tf.backend() first: it initializes the default backend when nothing has run yet.
    this.backend = options.backend ?? (tf.backend() && tf.getBackend());
    const boot = { plugins, backend: this.backend, isTest: tf.env().getBool('IS_TEST') };
    for (let index = 1; index < threads; index++) {
      const slot: PoolSlot = { index, worker: launchWorker(boot), ready: deferred(), models: [] };
      this.tally.launches++;
      slot.worker.on('message', (message: FromWorkerMessage) => this.onMessage(slot, message));
      slot.worker.on('error', (error) =>
        this.fail(new Error(`${owner}: worker ${index} failed: ${error.message}`)),
      );
      slot.worker.on('exit', (code) =>
        this.fail(new Error(`${owner}: worker ${index} exited with code ${code}`)),
      );
      // Idle workers must not keep the process alive; runs hold them (see `hold`).
      slot.worker.unref();
      this.slots.push(slot);
    }
    this.allReady = Promise.all(this.slots.map((slot) => slot.ready.promise)).then(() => undefined);
    this.allReady.catch(() => undefined);
  }

  /** Workers the pool holds (`threads − 1`). */
  get workerCount(): number {
    return this.slots.length;
  }

  /** Thread ids of the pool's workers (`worker.threadId`), in order. */
  get threadIds(): number[] {
    return this.slots.map((slot) => slot.worker.threadId);
  }

  /** True once `close()` was called or a worker failed to start or died. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  counts(): WorkerPoolCounts {
    return { ...this.tally };
  }

  /**
   * Resolves when every worker has loaded tfjs, the plugins and the backend; rejects with the
   * reason when one failed. Not needed before a call (calls wait for the workers themselves).
   */
  async ready(): Promise<void> {
    if (this.closedBecause) throw this.closedBecause;
    this.hold();
    try {
      await this.allReady;
    } finally {
      this.release();
    }
  }

  /**
   * Sends `model` to every worker now, to load while the main thread does something else (e.g.
   * loads the data); a later call on the same model (same content key) then sends nothing.
   */
  async preloadModel(model: NeuronModel): Promise<void> {
    if (this.slots.length === 0 || this.closing) return;
    const artifacts = await modelArtifacts(model.model);
    const key = modelArtifactsKey(artifacts);
    if (this.closing) return;
    for (const slot of this.slots) this.sendModel(slot, key, artifacts);
  }

  /** Terminates the workers; a call in progress rejects. Safe to call more than once. */
  close(): Promise<void> {
    if (!this.closing) {
      this.shutDown(new UsageError(`${this.owner}: the worker pool was closed`));
    }
    return this.closing as Promise<void>;
  }

  /**
   * Runs `task` once per item on `options.threads` threads: the main thread and the pool's
   * first `threads − 1` workers, as `runItemsInParallel` describes (which calls this).
   */
  async runItems<Input, Result>(
    task: ItemTask<Input, Result>,
    options: RunItemsOptions<Input>,
  ): Promise<Result[]> {
    const helpers = options.threads - 1;
    if (helpers > this.slots.length) {
      throw new UsageError(
        `${options.owner}: workers ${options.threads} exceeds the worker pool's ${this.threads} threads`,
      );
    }
    if (helpers > 0 && tf.getBackend() !== this.backend) {
      throw new UsageError(
        `${options.owner}: the worker pool runs backend '${this.backend}' but this thread runs ` +
          `'${tf.getBackend()}': start the pool after activating the backend, or pass backend`,
      );
    }
    const previous = this.queue;
    let unlock!: () => void;
    this.queue = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    await previous;
    this.hold();
    try {
      return await this.runExclusive(task, options, this.slots.slice(0, helpers));
    } finally {
      this.activeRun = undefined;
      this.release();
      unlock();
    }
  }

  private async runExclusive<Input, Result>(
    task: ItemTask<Input, Result>,
    options: RunItemsOptions<Input>,
    helpers: PoolSlot[],
  ): Promise<Result[]> {
    this.assertOpen(options.owner);
    const { items } = options;
    const runId = this.nextRunId++;
    this.tally.runs++;
    const schedule = claimSchedule(items);
    let packed: PackedItems | undefined;
    let stopped = false;
    const stopClaiming = () => {
      stopped = true;
      stopClaims(schedule);
      if (packed) abandonPackedItems(packed);
    };
    const results = new Array<Result>(items.length);
    let done = 0;
    const finished = (item: number, result: Result) => {
      results[item] = result;
      done++;
      options.onItemDone?.(done, items.length);
    };

    if (helpers.length > 0) {
      const artifacts = await modelArtifacts(options.model.model);
      // The pool may have closed (or a worker died) while the model was saved: no run is active
      // yet for `shutDown` to abort, so stop here rather than post to terminated workers.
      this.assertOpen(options.owner);
      const key = modelArtifactsKey(artifacts);
      for (const slot of helpers) this.sendModel(slot, key, artifacts);
      packed = allocatePackedItems(options.data, items);
      const outcomes = new Map(helpers.map((slot) => [slot, deferred()]));
      this.activeRun = {
        runId,
        onMessage: (slot, message) => {
          const outcome = outcomes.get(slot);
          if (!outcome) return;
          if (message.type === 'result') finished(message.item, message.result as Result);
          else if (message.type === 'done') outcome.resolve();
          else if (message.type === 'error') {
            stopClaiming();
            outcome.reject(errorFromWorker(`worker ${slot.index}: `, message));
          }
        },
        abort: (error) => {
          stopClaiming();
          for (const outcome of outcomes.values()) outcome.reject(error);
        },
      };
      for (const slot of helpers) {
        slot.worker.postMessage({
          type: 'run',
          runId,
          modelKey: key,
          metricName: options.metric?.name,
          task: { module: task.module, exportName: task.exportName },
          input: options.input,
          claims: schedule.claims,
          claimOrder: schedule.claimOrder,
          packed,
        });
      }
      let hereFailure: unknown;
      try {
        // The workers load the model (when new to them) and claim items from the front, largest
        // first, while this thread copies those items for them, keeping `ahead` copied beyond
        // their claims, and claims items from the back for itself: it never copies its own.
        const total = items.length;
        const ahead = 2 * helpers.length;
        let nextToCopy = 0;
        const copyUpTo = (end: number) => {
          for (; nextToCopy < end; nextToCopy++) {
            const item = schedule.claimOrder[nextToCopy];
            packItemInto(packed as PackedItems, options.data, items, item, options.batchSize);
          }
        };
        await runClaimedItemsHere(task, options, schedule, finished, (claimsNow) => {
          if (stopped) return -1;
          const { front, back } = claimCounts(claimsNow);
          copyUpTo(Math.min(total - back, front + ahead));
          return claimBack(claimsNow);
        });
        // Whatever the workers claimed beyond what was copied.
        if (!stopped) copyUpTo(total - claimCounts(schedule).back);
      } catch (error) {
        stopClaiming();
        hereFailure = error;
      }
      // Wait for every worker to leave this run before the next one may start.
      const settled = await Promise.allSettled([...outcomes.values()].map((o) => o.promise));
      if (hereFailure !== undefined) throw hereFailure;
      const failure = settled.find((outcome) => outcome.status === 'rejected');
      if (failure) throw (failure as PromiseRejectedResult).reason;
    } else {
      await runClaimedItemsHere(task, options, schedule, finished);
    }
    return results;
  }

  /** Posts the model to a worker unless it holds it already; drops its least recently used. */
  private sendModel(slot: PoolSlot, key: string, artifacts: tf.io.ModelArtifacts): void {
    const held = slot.models.indexOf(key);
    if (held >= 0) {
      slot.models.splice(held, 1);
      slot.models.push(key);
      return;
    }
    const evict = slot.models.splice(0, Math.max(0, slot.models.length - MODELS_PER_WORKER + 1));
    slot.models.push(key);
    slot.worker.postMessage({ type: 'model', key, artifacts, evict });
    this.tally.modelTransfers++;
  }

  private onMessage(slot: PoolSlot, message: FromWorkerMessage): void {
    if (message.type === 'ready') slot.ready.resolve();
    else if (message.type === 'boot-error')
      this.fail(errorFromWorker(`${this.owner}: worker ${slot.index} failed to start: `, message));
    else if (this.activeRun && message.runId === this.activeRun.runId)
      this.activeRun.onMessage(slot, message);
  }

  private assertOpen(owner: string): void {
    if (this.closedBecause) {
      throw new Error(`${owner}: the worker pool is closed (${this.closedBecause.message})`);
    }
  }

  private fail(reason: Error): void {
    if (!this.closing) this.shutDown(reason);
  }

  private shutDown(reason: Error): void {
    this.closedBecause = reason;
    this.activeRun?.abort(reason);
    for (const slot of this.slots) slot.ready.reject(reason);
    this.closing = Promise.all(this.slots.map((slot) => slot.worker.terminate())).then(
      () => undefined,
    );
  }

  /** Keeps the workers' event loops referenced while the main thread waits on them. */
  private hold(): void {
    if (this.holds++ === 0) for (const slot of this.slots) slot.worker.ref();
  }

  private release(): void {
    if (--this.holds === 0) for (const slot of this.slots) slot.worker.unref();
  }
}

/**
 * Starts a pool of `threads − 1` worker threads that load tfjs, the backend and the plugin
 * modules at once, in the background. Pass it to calls that run in parallel (`workerPool` of a
 * slice request or `scorePerCategory`, `pool` of `runItemsInParallel`), then `close()` it.
 */
export function startWorkerPool(options: WorkerPoolOptions = {}): WorkerPool {
  return new WorkerPool(options);
}
