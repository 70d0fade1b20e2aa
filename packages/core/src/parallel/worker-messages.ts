import type { PackedItems } from './packed-items';

/** Main thread → worker: load a model and keep it under `key`; forget the `evict`ed ones. */
export interface ModelMessage {
  type: 'model';
  key: string;
  artifacts: unknown;
  evict: string[];
}

/** Main thread → worker: take part in run `runId`, claiming items from the shared counter. */
export interface RunMessage {
  type: 'run';
  runId: number;
  modelKey: string;
  /** Metric to resolve by name from the worker's plugins, when the task scores neurons. */
  metricName?: string;
  task: { module: string; exportName: string };
  input: unknown;
  /** Shared claim counts and the order in which items are claimed (see `ClaimSchedule`). */
  claims: BigInt64Array;
  claimOrder: Int32Array;
  packed: PackedItems;
}

export type ToWorkerMessage = ModelMessage | RunMessage;

/** What a failure looks like once posted across threads. */
export interface PostedError {
  name: string;
  message: string;
  stack?: string;
}

/** Worker → main thread. */
export type FromWorkerMessage =
  | { type: 'ready' }
  | ({ type: 'boot-error' } & PostedError)
  | { type: 'result'; runId: number; item: number; result: unknown }
  | { type: 'done'; runId: number }
  | ({ type: 'error'; runId: number } & PostedError);

export function postedError(error: unknown): PostedError {
  const failure = error instanceof Error ? error : new Error(String(error));
  return { name: failure.name, message: failure.message, stack: failure.stack };
}
