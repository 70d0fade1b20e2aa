/** A progress event of a long-running step (training, scoring, slicing, a study). */
export interface ProgressEvent {
  /** What is running, e.g. `train`, `score taylor`, `slice semantic`. */
  task: string;
  /** Units done and in all (samples, batches, categories …). */
  done: number;
  total: number;
  /** Extra figures to show, e.g. { loss: 0.12, accuracy: 0.97, samplesPerSecond: 5200 }. */
  figures?: Record<string, number>;
  /** Estimated seconds left. */
  etaSeconds?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

/** Formats a progress event as one line, for logs and the CLI. */
export function formatProgress(event: ProgressEvent): string {
  const share = event.total > 0 ? ((100 * event.done) / event.total).toFixed(0) : '?';
  const figures = Object.entries(event.figures ?? {})
    .map(([key, value]) => `${key} ${Number.isInteger(value) ? value : value.toFixed(4)}`)
    .join(', ');
  const eta = event.etaSeconds !== undefined ? `, ETA ${event.etaSeconds.toFixed(0)} s` : '';
  return `${event.task}: ${event.done}/${event.total} (${share}%)${figures ? `, ${figures}` : ''}${eta}`;
}
