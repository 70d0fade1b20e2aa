// Item tasks for the worker pool's tests; workers load this module by path.
import * as tf from '@tensorflow/tfjs';
import { isMainThread, threadId } from 'node:worker_threads';
import type { LabeledDataset } from '../data/labeled-dataset';
import type { NeuronModel } from '../model/neuron-model';
import type { ItemTask } from './item-task';

export interface ThreadProbeInput {
  /** Shared counter of items that workers have finished. */
  workerItems: Int32Array;
  /** Throw inside a worker (after counting the item), to test how failures surface. */
  failInWorker?: boolean;
}

const MAIN_THREAD_WAIT_MS = 30_000;

/** Waits (in the main thread only, up to 30 s) until a worker has finished an item. */
async function waitForAWorkerItem(workerItems: Int32Array): Promise<void> {
  if (!isMainThread) return;
  const deadline = Date.now() + MAIN_THREAD_WAIT_MS;
  while (Atomics.load(workerItems, 0) === 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The model's outputs (inference mode) on every sample, 64 at a time. */
export function modelOutputs(model: NeuronModel, data: LabeledDataset): Float32Array {
  const values: number[] = [];
  for (const batch of data.batches(64)) {
    const predicted = tf.tidy(() => model.model.predict(batch.x) as tf.Tensor);
    values.push(...(predicted.dataSync() as Float32Array));
    tf.dispose([predicted, batch.x]);
  }
  return Float32Array.from(values);
}

/**
 * The model's outputs (inference mode) on the item's samples, and the thread that computed them;
 * like `threadProbeTask`, every run has at least one item done by a worker.
 */
export const modelOutputProbeTask: ItemTask<
  ThreadProbeInput,
  { thread: number; outputs: Float32Array }
> = {
  module: __filename,
  exportName: 'modelOutputProbeTask',
  run: async ({ model, data, input }) => {
    await waitForAWorkerItem(input.workerItems);
    const outputs = modelOutputs(model, data);
    if (!isMainThread) Atomics.add(input.workerItems, 0, 1);
    return { thread: threadId, outputs };
  },
};

/**
 * Returns the id of the thread that ran the item. The main thread's items wait (up to 30 s) until
 * a worker has finished one, so every run has at least one item done by a worker.
 */
export const threadProbeTask: ItemTask<ThreadProbeInput, number> = {
  module: __filename,
  exportName: 'threadProbeTask',
  run: async ({ data, category, input }) => {
    await waitForAWorkerItem(input.workerItems);
    if (!isMainThread) {
      Atomics.add(input.workerItems, 0, 1);
      if (input.failInWorker)
        throw new Error(`probe failed on purpose in category ${category} (${data.size} samples)`);
    }
    return threadId;
  },
};
