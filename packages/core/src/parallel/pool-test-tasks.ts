// Item tasks for the worker pool's tests; workers load this module by path.
import { isMainThread, threadId } from 'node:worker_threads';
import type { ItemTask } from './item-task';

export interface ThreadProbeInput {
  /** Shared counter of items that workers have finished. */
  workerItems: Int32Array;
  /** Throw inside a worker (after counting the item), to test how failures surface. */
  failInWorker?: boolean;
}

const MAIN_THREAD_WAIT_MS = 30_000;

/**
 * Returns the id of the thread that ran the item. The main thread's items wait (up to 30 s) until
 * a worker has finished one, so every run has at least one item done by a worker.
 */
export const threadProbeTask: ItemTask<ThreadProbeInput, number> = {
  module: __filename,
  exportName: 'threadProbeTask',
  run: async ({ data, category, input }) => {
    if (isMainThread) {
      const deadline = Date.now() + MAIN_THREAD_WAIT_MS;
      while (Atomics.load(input.workerItems, 0) === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 5));
    } else {
      Atomics.add(input.workerItems, 0, 1);
      if (input.failInWorker)
        throw new Error(`probe failed on purpose in category ${category} (${data.size} samples)`);
    }
    return threadId;
  },
};
