import { formatProgress, type ProgressEvent, type ProgressListener } from '@neusemslice/core';

/**
 * A progress listener that prints at most one line every `intervalMs`, whatever the task, and the
 * final line of a task only when that task ran for at least the interval: long runs show life,
 * short nested steps (one category's features) stay quiet.
 */
export function throttledProgress(
  log: (line: string) => void,
  intervalMs = 2000,
): ProgressListener {
  const firstSeen = new Map<string, number>();
  let lastPrinted = 0;
  return (event: ProgressEvent) => {
    const now = Date.now();
    if (!firstSeen.has(event.task)) firstSeen.set(event.task, now);
    const finished = event.done >= event.total;
    const due = finished
      ? now - (firstSeen.get(event.task) as number) >= intervalMs
      : now - lastPrinted >= intervalMs;
    if (finished) firstSeen.delete(event.task);
    if (!due) return;
    lastPrinted = now;
    log(formatProgress(event));
  };
}
