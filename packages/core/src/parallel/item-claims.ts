import type { ItemTask } from './item-task';
import type { WorkItem } from './packed-items';
import type { RunItemsOptions } from './run-in-parallel';

/**
 * Who has claimed which items, shared by every thread of a run: one 64-bit word holding how many
 * positions of `claimOrder` were claimed from the front (workers, largest items first) and how
 * many from the back (the main thread, which copies the front items for the workers meanwhile).
 */
export interface ClaimSchedule {
  claims: BigInt64Array;
  /** Item indices, largest item first (ties by index). */
  claimOrder: Int32Array;
}

const BACK = 1n << 32n;
const FRONT_MASK = BACK - 1n;

/** A fresh schedule for `items`: nothing claimed, the order largest first. */
export function claimSchedule(items: readonly WorkItem[]): ClaimSchedule {
  const claimOrder = new Int32Array(new SharedArrayBuffer(4 * items.length));
  Array.from(items.keys())
    .sort((a, b) => items[b].indices.length - items[a].indices.length || a - b)
    .forEach((item, position) => {
      claimOrder[position] = item;
    });
  return { claims: new BigInt64Array(new SharedArrayBuffer(8)), claimOrder };
}

/** Front and back claim counts, as one reading. */
export function claimCounts(schedule: ClaimSchedule): { front: number; back: number } {
  const word = Atomics.load(schedule.claims, 0);
  return { front: Number(word & FRONT_MASK), back: Number(word >> 32n) };
}

function claim(schedule: ClaimSchedule, fromBack: boolean): number {
  const total = schedule.claimOrder.length;
  for (;;) {
    const word = Atomics.load(schedule.claims, 0);
    const front = Number(word & FRONT_MASK);
    const back = Number(word >> 32n);
    if (front + back >= total) return -1;
    const next = word + (fromBack ? BACK : 1n);
    if (Atomics.compareExchange(schedule.claims, 0, word, next) === word)
      return fromBack ? total - 1 - back : front;
  }
}

/** The next position from the front (the largest item left), or −1 when none is left. */
export function claimFront(schedule: ClaimSchedule): number {
  return claim(schedule, false);
}

/** The next position from the back (the smallest item left), or −1 when none is left. */
export function claimBack(schedule: ClaimSchedule): number {
  return claim(schedule, true);
}

/** Makes every later claim fail (a run that has failed). */
export function stopClaims(schedule: ClaimSchedule): void {
  Atomics.store(schedule.claims, 0, BigInt(schedule.claimOrder.length));
}

/**
 * The main thread's share of a run: claims the next item (from the front, or as `claimNext` says)
 * until none are left and runs it on the original data set (workers read the packed copy).
 */
export async function runClaimedItemsHere<Input, Result>(
  task: ItemTask<Input, Result>,
  options: RunItemsOptions<Input>,
  schedule: ClaimSchedule,
  finished: (item: number, result: Result) => void,
  claimNext: (schedule: ClaimSchedule) => number = claimFront,
): Promise<void> {
  const { items } = options;
  for (;;) {
    const position = claimNext(schedule);
    if (position < 0) break;
    const item = schedule.claimOrder[position];
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
}
