/** mulberry32: a small, fast, deterministic generator of numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The sample order of one epoch: a Fisher–Yates permutation of 0 … size-1 drawn from the training
 * seed and the epoch number, so a run is reproducible and every epoch sees another order.
 */
export function epochOrder(size: number, seed: number, epoch: number): Int32Array {
  const random = mulberry32(
    (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0,
  );
  const order = Int32Array.from({ length: size }, (_, index) => index);
  for (let last = size - 1; last > 0; last--) {
    const pick = Math.floor(random() * (last + 1));
    const kept = order[last];
    order[last] = order[pick];
    order[pick] = kept;
  }
  return order;
}
