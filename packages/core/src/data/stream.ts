import type { LabeledBatch, LabeledDataset } from './labeled-dataset';
import type { ProgressListener } from '../progress';

/**
 * Calls `visit` on each batch of a data set in order, disposes the batch afterwards and reports
 * progress in samples. The one streaming loop that metrics, slicers and evaluation share.
 */
export async function forEachBatch(
  data: LabeledDataset,
  batchSize: number,
  visit: (batch: LabeledBatch) => void | Promise<void>,
  progress?: { task: string; onProgress?: ProgressListener },
): Promise<void> {
  const startedAt = Date.now();
  let done = 0;
  for (const batch of data.batches(batchSize)) {
    try {
      await visit(batch);
    } finally {
      batch.x.dispose();
    }
    done += batch.labels.length;
    if (progress?.onProgress) {
      const seconds = (Date.now() - startedAt) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      progress.onProgress({
        task: progress.task,
        done,
        total: data.size,
        figures: { samplesPerSecond: Math.round(rate) },
        etaSeconds: rate > 0 ? (data.size - done) / rate : undefined,
      });
    }
  }
}
