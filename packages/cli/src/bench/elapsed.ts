/** Seconds from `startedAt` (a `process.hrtime.bigint()` reading) to now. */
export function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}
