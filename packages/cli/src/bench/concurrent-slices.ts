import {
  type ItemTask,
  type LabeledDataset,
  type Metric,
  type NeuronModel,
  runItemsInParallel,
  type WorkerPool,
} from '@neusemslice/core';
import { SemanticSlicer } from '@neusemslice/slicer-semantic';
import { secondsSince } from './elapsed';

/** What each thread of the concurrent-slices measurement does. */
export interface RepeatedSliceInput {
  repeats: number;
  batchSize: number;
  theta: number;
}

/** Slices the item's samples `repeats` times on this thread alone; the seconds of each slice. */
export const repeatedSliceTask: ItemTask<RepeatedSliceInput, number[]> = {
  module: __filename,
  exportName: 'repeatedSliceTask',
  run: async ({ model, data, metric, input }) => {
    if (!metric) throw new Error('repeatedSliceTask: the run has no metric');
    const slicer = new SemanticSlicer();
    const seconds: number[] = [];
    for (let repeat = 0; repeat < input.repeats; repeat++) {
      const startedAt = process.hrtime.bigint();
      await slicer.slice({
        model,
        data,
        metric,
        options: { theta: input.theta },
        batchSize: input.batchSize,
        workers: 1,
      });
      seconds.push(secondsSince(startedAt));
    }
    return seconds;
  },
};

/**
 * The same 1-thread slice run on both threads of a 2-thread pool at once, `repeats` times each:
 * the seconds of every slice, the main thread's first. Compared with one slice alone, it says
 * what two threads can give on this machine at best, with no copying, scheduling or merging, only
 * the two cores sharing caches and memory bandwidth.
 */
export async function concurrentSliceSeconds(
  pool: WorkerPool,
  model: NeuronModel,
  data: LabeledDataset,
  metric: Metric,
  input: RepeatedSliceInput,
): Promise<number[]> {
  if (pool.threads !== 2)
    throw new Error(`bench speed: the pool has ${pool.threads} threads, not 2`);
  const everySample = Int32Array.from({ length: data.size }, (_, index) => index);
  // Two items, each the whole data set: the worker claims one, the main thread the other.
  const perThread = await runItemsInParallel(repeatedSliceTask, {
    model,
    data,
    items: [{ indices: everySample }, { indices: everySample }],
    threads: 2,
    pool,
    metric,
    input,
    batchSize: input.batchSize,
    owner: 'bench speed',
  });
  return [...perThread[1], ...perThread[0]];
}
