import { formatProgress, type ProgressEvent, type ProgressListener } from '@neusemslice/core';

/**
 * A progress listener that prints at most one line per task every `intervalMs`, and always the
 * last one (done = total), so long runs show life without flooding the terminal.
 */
export function throttledProgress(log: (line: string) => void, intervalMs = 2000): ProgressListener {
  const lastPrinted = new Map<string, number>();
  return (event: ProgressEvent) => {
    const now = Date.now();
    const finished = event.done >= event.total;
    if (!finished && now - (lastPrinted.get(event.task) ?? 0) < intervalMs) return;
    lastPrinted.set(event.task, now);
    log(formatProgress(event));
  };
}
