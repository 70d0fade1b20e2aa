/** What every zoo builder receives, checked and with defaults filled in by `createModel`. */
export interface ZooBuildOptions {
  /** Shape of one sample without the batch axis, e.g. [28, 28, 1] or [32, 32, 3]. */
  inputShape: number[];
  /** Units of the logits layer. */
  numClasses: number;
  /** Seed of every initialiser: the same seed gives bit-identical weights. */
  seed: number;
  /**
   * Multiplies every hidden width (units, filters) of the paper's architecture, rounded, at
   * least 1. 1 builds the real model; small values build look-alikes for fast tests.
   */
  widthScale: number;
}

/** A hidden width of the reference architecture, scaled by `widthScale`. */
export function scaledWidth(referenceWidth: number, options: ZooBuildOptions): number {
  return Math.max(1, Math.round(referenceWidth * options.widthScale));
}
